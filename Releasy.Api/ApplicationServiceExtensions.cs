using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Releasy.Api.Audit;
using Releasy.Api.Auth;
using Releasy.Api.Caching;
using Releasy.Api.Auth.Jwt;
using Releasy.Api.Data;
using Releasy.Api.Downloads;
using Releasy.Api.Entitlements;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;
using Releasy.Api.Meta;
using Releasy.Api.Options;
using Releasy.Api.Releases;
using Releasy.Api.Storage;
using Releasy.Api.Telemetry;

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
        // instead of being refused by the server before the error envelope can be written. The errors Kestrel
        // still answers on its own (malformed request line or header, 414, 431) get the envelope at the connection.
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            o.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            o.ConfigureEndpointDefaults(l => l.UseServerErrorEnvelope((status, message) => ApiError.ForStatus(status, message).ToJson()));
        });

        // X-Forwarded-* are honoured only from loopback, where the proxy runs; the defaults trust nothing else.
        // Download links never use them: they come from RELEASY_PUBLIC_BASE_URL.
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders =
            ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

        // Request URLs carry secrets (download tokens in the path, storage signatures in the query), and the
        // hosting layer's "Request starting/finished" lines print them whole: keep those lines off.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // The route matcher's Debug lines ("candidate(s) found for the request path '…'") print the path, and with
        // it a download token.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information);

        // The database is read first (as the contract orders the settings): its provider decides the registrations.
        var database = DatabaseOptions.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(sp => ReleasySettings.Parse(sp.GetRequiredService<IConfiguration>(), database));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DatabaseStartupCheck>();
        services.AddSingleton(BuildIdentity.FromConfiguration(builder.Configuration, typeof(ApplicationServiceExtensions).Assembly));
        services.AddSingleton<SchemaMigrationReader>();
        // The contract's check comes first, so a failing /health or /ready says "database unavailable".
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [MetaApi.ReadyTag]);
        builder.AddReleasyDatabase(database);
        services.AddApiErrorHandling();
        services.AddSingleton<ReleasyMetrics>();

        services.AddSingleton<SecretHasher>();
        services.AddSingleton<VerifiedKeyCache>();
        services.AddSingleton<ApiKeyVerificationGuard>();
        services.AddSingleton<OperatorAuthenticator>();
        services.AddOperatorJwt();
        services.AddScoped<ApiKeyAuthenticator>();
        services.AddCustomerHotPath();
        services.AddScoped<IdempotencyService>();
        services.AddArtifactStorage();
        return builder;
    }

    /// <summary>
    /// The customer hot path (contract 0.10): short-lived read caches, compiled queries, and the usage bookkeeping
    /// written behind the requests (audit events, <c>last_used_at</c>), plus the audit retention pruner.
    /// </summary>
    private static void AddCustomerHotPath(this IServiceCollection services)
    {
        services.AddSingleton<CacheEpoch>();
        services.AddSingleton<ApiKeyLookup>();
        services.AddSingleton<EntitlementWindowCache>();
        services.AddSingleton<CustomerReleasePages>();
        services.AddSingleton<DownloadQueries>();
        services.AddSingleton(sp => new AuditQueue(sp.GetRequiredService<ReleasyMetrics>()));
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedSingleton<AuditWriter>();
        services.AddHostedSingleton<KeyUsageWriter>();
        services.AddHostedSingleton<AuditPruner>();
    }

    /// <summary>A hosted service that is also resolvable, so tests can flush or prune through the running instance.</summary>
    private static void AddHostedSingleton<T>(this IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    /// <summary>
    /// Validates every setting and the schema before the listener opens; a failure is a
    /// <see cref="StartupException"/> that Program prints as one line.
    /// </summary>
    public static async Task CheckStartupAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<ReleasySettings>();
        await app.Services.GetRequiredService<DatabaseStartupCheck>().RunAsync(app.Lifetime.ApplicationStopping);
    }
}
