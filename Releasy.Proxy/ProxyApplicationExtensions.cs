using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Releasy.Proxy;
using Releasy.Proxy.Rollouts;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The proxy's wiring, so <c>Program.cs</c> stays a table of contents.</summary>
public static class ProxyApplicationExtensions
{
    public const string ReverseProxySection = "ReverseProxy";

    public static WebApplicationBuilder AddReleasyProxy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // The application's ReverseProxy section, with a cluster per colour when a rollout names colours.
        var proxyConfig = builder.AddRollouts();
        if (!proxyConfig.GetSection("Routes").GetChildren().Any())
        {
            // Without this the proxy would start and answer 404 to everything.
            throw new InvalidOperationException(
                $"No routes under '{ReverseProxySection}:Routes'. Run the proxy from its project or output directory " +
                $"(content root '{builder.Environment.ContentRootPath}' has no appsettings.json with routes).");
        }

        services.AddOptions<ProxyListenOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.BindAddress = configuration[BindAddress.Variable] ?? BindAddress.Default;
                configuration.GetSection(ProxyListenOptions.TlsSection).Bind(options);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProxyLimitsOptions>().BindConfiguration(ProxyLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProxyRateLimitOptions>().BindConfiguration(ProxyRateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ProxyKestrelSetup>();

        // LoadFromConfig watches the configuration's reload token: a changed appsettings.json applies live.
        // Service discovery turns http://api into one destination per services__api__http__N address, so health
        // checks judge each API instance on its own and IdempotentRetry can move a GET to another one.
        ServiceAddressCheck.ThrowIfUnconfigured(builder.Configuration, proxyConfig);
        services.AddReverseProxy()
            .LoadFromConfig(proxyConfig)
            .AddServiceDiscoveryDestinationResolver();

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ProxyRateLimitOptions.PolicyName, ProxyRateLimiting.PerCaller);
            limiter.OnRejected = ProxyRateLimiting.OnRejected;
        });
        return builder;
    }

    public static WebApplication UseProxyErrorEnvelope(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ProxyErrorEnvelopeMiddleware>();
        return app;
    }

    /// <summary>Maps the configured routes; <c>/health</c> and <c>/alive</c> are the proxy's own and never forwarded.</summary>
    public static WebApplication MapReleasyProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ColourRouting.InvokeAsync);
            proxy.Use(IdempotentRetry.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).RequireRateLimiting(ProxyRateLimitOptions.PolicyName);
        return app;
    }
}
