using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Holds a resource back until what it waits for is healthy or has completed, or says why it never will.</summary>
public sealed class DependencyWaiter(DistributedApplicationModel model, ResourceStateTracker tracker)
{
    public async Task WaitAsync(IResource resource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resource);
        foreach (var wait in DistributedApplicationModel.EffectiveWaits(resource))
        {
            string? failure = null;
            await tracker.WaitAsync(snapshots =>
            {
                var instances = snapshots.Where(s => s.ResourceName == wait.Resource.Name).ToList();
                var (done, why) = Check(wait, instances);
                failure = why;
                return done;
            }, ct);
            if (failure is not null)
            {
                throw new DistributedApplicationException($"The '{resource.Name}' resource will not start: {failure}");
            }
        }
    }

    /// <summary>Whether waiting is over for these instances, and if so whether it failed.</summary>
    private (bool Done, string? Failure) Check(WaitAnnotation wait, List<ResourceSnapshot> instances)
    {
        var name = wait.Resource.Name;
        if (instances.FirstOrDefault(i => i.State == KnownResourceStates.FailedToStart) is { } failed)
        {
            return (true, $"'{name}' failed to start: {failed.Reason}");
        }

        if (instances.Count < wait.Resource.GetReplicaCount())
        {
            return (false, null);
        }

        if (wait.WaitType == WaitType.WaitForCompletion)
        {
            if (!instances.All(i => KnownResourceStates.IsTerminal(i.State)))
            {
                return (false, null);
            }

            var wrong = instances.FirstOrDefault(i => i.ExitCode != wait.ExitCode);
            return wrong is null ? (true, null) : (true, $"'{name}' exited with code {wrong.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} (expected {wait.ExitCode}).");
        }

        if (!IsRestartable(wait.Resource) && instances.FirstOrDefault(i => KnownResourceStates.IsTerminal(i.State)) is { } gone)
        {
            return (true, $"'{name}' stopped ({gone.State}, exit code {gone.ExitCode}) before it was healthy.");
        }

        var needsHealth = wait.Resource.GetHttpHealthCheck() is not null;
        return (instances.All(i => i.State == KnownResourceStates.Healthy || (!needsHealth && i.State == KnownResourceStates.Running)), null);
    }

    /// <summary>A service is restarted after a crash; something others wait to complete is a job and is not.</summary>
    public bool IsRestartable(IResource resource) =>
        resource is ProjectResource && !model.IsAwaited(resource, WaitType.WaitForCompletion);
}
