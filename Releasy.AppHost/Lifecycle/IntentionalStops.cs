using System.Collections.Concurrent;

namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// The resources stopped on purpose (by a rollout) and not started again yet. Their exit is not a crash, even when
/// the orchestrator had to kill a slow shutdown: they are not restarted, and nobody is told they failed.
/// </summary>
public sealed class IntentionalStops
{
    private readonly ConcurrentDictionary<string, bool> _stopped = new(StringComparer.Ordinal);

    public void Stopping(IResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _stopped[resource.Name] = true;
    }

    public void Starting(IResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _stopped.TryRemove(resource.Name, out _);
    }

    public bool Contains(IResource resource) => resource is not null && _stopped.ContainsKey(resource.Name);
}
