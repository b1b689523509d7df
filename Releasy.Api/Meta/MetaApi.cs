using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Releasy.Api.Meta;

/// <summary>Probes and the API description (contract 3.1).</summary>
public static class MetaApi
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapMetaApi(this IEndpointRouteBuilder app)
    {
        // /health (every check) and /alive come from the service defaults; /ready and /live are the contract's.
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = Extensions.WriteHealthAsync,
        });
        app.MapGet("/live", GetLive).ExcludeFromDescription();
        app.MapGet("/openapi.json", GetOpenApi).ExcludeFromDescription();
        return app;
    }

    public static IResult GetLive() => Results.Text("""{"status":"ok"}""", "application/json");

    public static IResult GetOpenApi() =>
        Results.Stream(typeof(MetaApi).Assembly.GetManifestResourceStream("Releasy.Api.Meta.openapi.json")!, "application/json");
}
