using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Releasy.Api.Data;

/// <summary>The contract's readiness probe: a trivial query; failure reads "database unavailable".</summary>
public sealed class DatabaseHealthCheck(ReleasyDbContext db) : IHealthCheck
{
    public const string Description = "database unavailable";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An outage is logged once by DatabaseOutageTracker; attaching it here would log a stack trace per probe.
            return HealthCheckResult.Unhealthy(Description, ex.IsUnreachable() ? null : ex);
        }
    }
}
