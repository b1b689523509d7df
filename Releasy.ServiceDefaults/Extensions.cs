using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every Releasy service shares: OpenTelemetry, health checks, service discovery and resilient
/// HttpClients. It follows Aspire's conventions, so an Aspire AppHost can drive the services unchanged.
/// </summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string LiveTag = "live";

    /// <summary>Checks that readiness probes run (besides <c>/health</c>, which runs every check).</summary>
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        if (builder is WebApplicationBuilder)
        {
            // Only servers drain; a worker (the migration service) stops as soon as it is done.
            builder.AddShutdownDrain();
        }

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Releasy.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("Releasy.*")
                // Probes run every few seconds; tracing them would drown the real requests.
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthPath) &&
                        !context.Request.Path.StartsWithSegments(AlivePath);
                    o.EnrichWithHttpRequest = (activity, request) =>
                        activity.SetTag("url.path", SecretPaths.Redact(request.Path.Value));
                })
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                {
                    if (request.RequestUri is { } uri && SecretPaths.Redact(uri.AbsolutePath) != uri.AbsolutePath)
                    {
                        activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}{SecretPaths.Redact(uri.AbsolutePath)}");
                    }
                })
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Drain-aware shutdown (<see cref="ShutdownDrain"/>): readiness turns 503 on SIGTERM, the server keeps serving
    /// for <c>RELEASY_SHUTDOWN_DRAIN_SECONDS</c>, then finishes its requests in flight within
    /// <c>RELEASY_SHUTDOWN_GRACE_SECONDS</c>.
    /// </summary>
    public static TBuilder AddShutdownDrain<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = ShutdownDrainOptions.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        services.AddHealthChecks().AddCheck<ShutdownDrainHealthCheck>("shutdown", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check) and <c>/alive</c> (liveness checks only) in every environment:
    /// the orchestrator and the proxy's active health checks depend on them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteHealthAsync,
        });
        return app;
    }

    /// <summary>
    /// Healthy is <c>{"status":"ok"}</c>; anything else is the Releasy error envelope, with the failing
    /// check's description as the message.
    /// </summary>
    public static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        if (report.Status == HealthStatus.Healthy)
        {
            return context.Response.WriteAsync("""{"status":"ok"}""");
        }

        var message = report.Entries.Values
            .Where(e => e.Status != HealthStatus.Healthy)
            .Select(e => e.Description)
            .FirstOrDefault(d => !string.IsNullOrEmpty(d)) ?? "service unavailable";
        var body = JsonSerializer.Serialize(new { error = new { code = "service_unavailable", message } });
        return context.Response.WriteAsync(body);
    }
}
