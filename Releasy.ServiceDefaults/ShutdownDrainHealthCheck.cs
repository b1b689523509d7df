using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Unhealthy from the stop request on, so every readiness probe turns 503 while the service drains.</summary>
public sealed class ShutdownDrainHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public const string Description = "shutting down";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy(Description) : HealthCheckResult.Healthy());
}
