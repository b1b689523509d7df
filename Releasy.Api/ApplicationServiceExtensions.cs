using Microsoft.AspNetCore.Server.Kestrel.Core;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;
using Releasy.Api.Meta;
using Releasy.Api.Options;
using Releasy.Api.Storage;

namespace Releasy.Api;

public static class ApplicationServiceExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (BindAddress.ResolveUrl(builder.Configuration) is { } url)
        {
            builder.WebHost.UseUrls(url);
        }

        // Latin-1 lets a header with non-ASCII bytes reach the credential rules (treated as absent)
        // instead of being refused by the server before the error envelope can be written.
        builder.Services.Configure<KestrelServerOptions>(o => o.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1);

        var services = builder.Services;
        services.AddSingleton(sp => ReleasySettings.Parse(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<DatabaseStartupCheck>();
        services.AddReleasyDatabase();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [MetaApi.ReadyTag]);
        services.AddApiErrorHandling();

        services.AddSingleton<SecretHasher>();
        services.AddSingleton<VerifiedKeyCache>();
        services.AddSingleton<OperatorAuthenticator>();
        services.AddScoped<ApiKeyAuthenticator>();
        services.AddScoped<IdempotencyService>();
        services.AddArtifactStorage();
        return builder;
    }
}
