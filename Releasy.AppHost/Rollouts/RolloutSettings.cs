using Microsoft.Extensions.Configuration;

namespace Releasy.AppHost.Rollouts;

/// <summary>
/// <c>AppHost:Rollout:SettleSeconds</c>: how long a rollout waits after it rewrites the rollout file, for the proxy
/// to reload it and for the requests already sent to an instance it takes out to finish, before it stops that
/// instance. <c>AppHost:Rollout:HealthyTimeoutSeconds</c>: how long an instance may take to become healthy.
/// </summary>
public sealed record RolloutSettings(TimeSpan Settle, TimeSpan HealthyTimeout)
{
    public static RolloutSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settle = configuration.GetValue("AppHost:Rollout:SettleSeconds", 2.0);
        var healthy = configuration.GetValue("AppHost:Rollout:HealthyTimeoutSeconds", 120.0);
        if (settle is < 0 or > 300 || healthy is < 1 or > 3600)
        {
            throw new DistributedApplicationException(
                "AppHost:Rollout:SettleSeconds must be within 0..300 and AppHost:Rollout:HealthyTimeoutSeconds within 1..3600.");
        }

        return new RolloutSettings(TimeSpan.FromSeconds(settle), TimeSpan.FromSeconds(healthy));
    }
}
