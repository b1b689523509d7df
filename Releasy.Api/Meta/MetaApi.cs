using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Releasy.Api.Http;

namespace Releasy.Api.Meta;

/// <summary>Probes and the API description (contract 3.1), and the running build (<c>/version</c>).</summary>
public static class MetaApi
{
    public const string ReadyTag = Extensions.ReadyTag;

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
        // Not in the contract's document: rollouts use it to tell instances (and their schema) apart.
        app.MapGet("/version", GetVersion).ExcludeFromDescription();
        return app;
    }

    public static IResult GetLive() => Results.Text("""{"status":"ok"}""", "application/json");

    public static async Task<IResult> GetVersion(BuildIdentity build, SchemaMigrationReader schema, HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        var migration = await schema.LatestAppliedAsync(ct);
        return TypedResults.Json(new VersionView(build.Version, build.Build, build.Commit, migration), ReleasyJson.Options);
    }

    public static IResult GetOpenApi() =>
        Results.Stream(typeof(MetaApi).Assembly.GetManifestResourceStream("Releasy.Api.Meta.openapi.json")!, "application/json");
}
