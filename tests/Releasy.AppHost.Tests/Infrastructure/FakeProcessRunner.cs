using System.Collections.Concurrent;
using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>
/// Stands in for the operating system in orchestration tests: records what was started, in order, and lets the
/// test decide when and how each process exits.
/// </summary>
public sealed class FakeProcessRunner : IProcessRunner
{
    private readonly ConcurrentQueue<FakeProcess> _started = new();
    private int _nextId = 1000;

    /// <summary>Instance name → exit code a process returns as soon as it starts (jobs).</summary>
    public ConcurrentDictionary<string, int> ExitImmediately { get; } = new();

    public IReadOnlyList<FakeProcess> Started => [.. _started];

    public IReadOnlyList<string> StartOrder => Started.Select(p => p.Spec.Name).ToList();

    /// <summary>Instance names in the order they were asked to stop.</summary>
    public ConcurrentQueue<string> StopOrder { get; } = new();

    public IRunningProcess Start(ProcessSpec spec)
    {
        var process = new FakeProcess(spec, Interlocked.Increment(ref _nextId), StopOrder);
        _started.Enqueue(process);
        if (ExitImmediately.TryGetValue(spec.Name, out var code))
        {
            process.Exit(code);
        }

        return process;
    }
}

public sealed class FakeProcess(ProcessSpec spec, int id, ConcurrentQueue<string> stopOrder) : IRunningProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProcessSpec Spec { get; } = spec;

    public int Id { get; } = id;

    public Task<int> Exited => _exited.Task;

    public bool StopRequested { get; private set; }

    public void Exit(int code) => _exited.TrySetResult(code);

    public Task StopAsync(TimeSpan grace)
    {
        if (_exited.Task.IsCompleted)
        {
            return Task.CompletedTask; // like the real runner: nothing to signal
        }

        StopRequested = true;
        stopOrder.Enqueue(Spec.Name);
        Exit(0);
        return Task.CompletedTask;
    }
}
