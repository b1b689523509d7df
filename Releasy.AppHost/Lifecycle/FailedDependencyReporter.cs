using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// When a resource that others wait for (the database server, the migrations) exits with an error, the dashboard
/// shows the waiters as waiting or failed to start; this also prints one console line naming the failed resource,
/// its exit code and where its log is.
/// </summary>
internal sealed class FailedDependencyReporter(
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IntentionalStops intentionalStops,
    ILogger<FailedDependencyReporter> logger) : ResourceEventSubscriber(notifications, lifetime)
{
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    protected override void OnResourceEvent(ResourceEvent e, CancellationToken stopping)
    {
        if (!ResourceStates.IsFailedExit(e.Snapshot) || _reported.ContainsKey(e.ResourceId) || intentionalStops.Contains(e.Resource))
        {
            return;
        }

        var waiters = model.Resources
            .Where(r => r.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == e.Resource))
            // A resource started only on demand (a rollout colour) is not waiting to start.
            .Where(r => !r.HasAnnotationOfType<ExplicitStartupAnnotation>())
            .Select(r => $"'{r.Name}'")
            .ToList();
        if (waiters.Count > 0 && _reported.TryAdd(e.ResourceId, true))
        {
            logger.LogError("'{Resource}' exited with code {ExitCode}, so {Waiters} will not start. Its log: {LogUrl}",
                e.Resource.Name, e.Snapshot.ExitCode, string.Join(", ", waiters), LogUrl(e.Resource.Name));
        }
    }

    private string LogUrl(string resource)
    {
        var dashboard = configuration["ASPNETCORE_URLS"]?.Split(';')[0].TrimEnd('/');
        return string.IsNullOrEmpty(dashboard)
            ? $"the console log of '{resource}' (the dashboard is not running)"
            : $"{dashboard}/consolelogs/resource/{resource} (the dashboard's console logs)";
    }
}
