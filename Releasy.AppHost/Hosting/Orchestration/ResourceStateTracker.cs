namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Holds the latest snapshot of every instance, prints each transition, and lets the orchestrator (and tests)
/// wait for a condition without polling.
/// </summary>
public sealed class ResourceStateTracker(TextWriter output)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<ResourceSnapshot> _history = [];
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<ResourceSnapshot> Snapshots
    {
        get { lock (_gate) { return [.. _snapshots.Values]; } }
    }

    /// <summary>Every state change, in order: what an operator (or a test) reads to see what happened when.</summary>
    public IReadOnlyList<ResourceSnapshot> History
    {
        get { lock (_gate) { return [.. _history]; } }
    }

    public IReadOnlyList<ResourceSnapshot> Of(string resourceName) =>
        Snapshots.Where(s => s.ResourceName == resourceName).ToList();

    public void Publish(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        TaskCompletionSource changed;
        string? previous;
        lock (_gate)
        {
            previous = _snapshots.TryGetValue(snapshot.Instance, out var old) ? old.State : null;
            _snapshots[snapshot.Instance] = snapshot;
            if (previous != snapshot.State)
            {
                _history.Add(snapshot);
            }

            changed = _changed;
            _changed = NewSignal();
        }

        if (previous != snapshot.State)
        {
            var details = string.Join(", ", new[]
            {
                snapshot.ProcessId is { } pid ? $"pid {pid}" : null,
                snapshot.ExitCode is { } code ? $"exit code {code}" : null,
                snapshot.Url,
                snapshot.Reason,
            }.Where(d => d is not null));
            ConsoleLines.Write(output, "apphost", $"{snapshot.Instance}: {previous ?? "NotStarted"} -> {snapshot.State}" +
                (details.Length > 0 ? $" ({details})" : ""));
        }

        changed.TrySetResult();
    }

    /// <summary>Completes with the snapshots once <paramref name="condition"/> holds for them.</summary>
    public async Task<IReadOnlyList<ResourceSnapshot>> WaitAsync(
        Func<IReadOnlyList<ResourceSnapshot>, bool> condition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            IReadOnlyList<ResourceSnapshot> current;
            lock (_gate)
            {
                current = [.. _snapshots.Values];
                changed = _changed.Task;
            }

            if (condition(current))
            {
                return current;
            }

            await changed.WaitAsync(ct);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
