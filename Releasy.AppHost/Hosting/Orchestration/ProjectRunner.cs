using System.Collections.Concurrent;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Runs each replica of a project as <c>dotnet {dll}</c> from the project directory, prefixes its output, and
/// restarts a crashed service with exponential back-off. A job (something others wait to complete) runs once.
/// </summary>
public sealed class ProjectRunner(
    IProcessRunner runner,
    ResourceStateTracker tracker,
    ProjectEnvironment environment,
    ProjectBuild build,
    DependencyWaiter waiter,
    TimeProvider time,
    TextWriter output)
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>A replica that ran this long before crashing starts again from the initial back-off.</summary>
    public static readonly TimeSpan StableRun = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, IRunningProcess> _processes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, IRunningProcess> Processes => _processes;

    /// <summary>Starts the replicas; the returned tasks end when each replica is finally done.</summary>
    public IReadOnlyList<Task> Start(ProjectResource resource, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Enumerable.Range(0, resource.GetReplicaCount())
            .Select(replica => Task.Run(() => SuperviseAsync(resource, replica, stopping), CancellationToken.None))
            .ToList();
    }

    public async Task StopAsync(IResource resource, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var stops = Enumerable.Range(0, resource.GetReplicaCount())
            .Select(replica => _processes.TryGetValue(resource.InstanceName(replica), out var process) ? process.StopAsync(grace) : Task.CompletedTask);
        await Task.WhenAll(stops);
    }

    private async Task SuperviseAsync(ProjectResource resource, int replica, CancellationToken stopping)
    {
        var instance = resource.InstanceName(replica);
        var restartable = waiter.IsRestartable(resource);
        var backoff = InitialBackoff;
        while (true)
        {
            var starting = new ResourceSnapshot(instance, resource.Name, KnownResourceStates.Starting);
            tracker.Publish(starting);
            IRunningProcess process;
            try
            {
                process = runner.Start(CreateSpec(resource, replica, instance));
            }
            catch (Exception ex) when (ex is DistributedApplicationException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                tracker.Publish(starting with { State = KnownResourceStates.FailedToStart, Reason = ex.Message });
                return;
            }

            _processes[instance] = process;
            var startedAt = time.GetTimestamp();
            var exitCode = await RunOnceAsync(resource, replica, starting, process, stopping);
            var exited = starting with { ProcessId = process.Id, ExitCode = exitCode };
            if (stopping.IsCancellationRequested)
            {
                tracker.Publish(exited with { State = KnownResourceStates.Stopped });
                return;
            }

            if (!restartable)
            {
                tracker.Publish(exited with { State = exitCode == 0 ? KnownResourceStates.Finished : KnownResourceStates.Exited });
                return;
            }

            backoff = time.GetElapsedTime(startedAt) >= StableRun ? InitialBackoff : backoff;
            tracker.Publish(exited with { State = KnownResourceStates.Restarting, Reason = $"crashed; restarting in {backoff.TotalSeconds:0.#}s" });
            try
            {
                await Task.Delay(backoff, time, stopping);
            }
            catch (OperationCanceledException)
            {
                tracker.Publish(exited with { State = KnownResourceStates.Stopped });
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task<int> RunOnceAsync(ProjectResource resource, int replica, ResourceSnapshot starting, IRunningProcess process, CancellationToken stopping)
    {
        var url = resource.GetEndpoints().Count > 0 ? environment.Values.Endpoints.Get(resource, resource.GetEndpoints()[0].Name, replica).Url : null;
        var running = starting with { State = KnownResourceStates.Running, ProcessId = process.Id, Url = url };
        tracker.Publish(running);
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var probe = resource.GetHttpHealthCheck() is { } check
            ? new HttpHealthProbe(tracker, time).RunAsync(running,
                new Uri(new Uri(environment.Values.Endpoints.Get(resource, check.EndpointName, replica).Url), check.Path), probing.Token)
            : Task.CompletedTask;
        var exitCode = await process.Exited;
        await probing.CancelAsync();
        await probe;
        return exitCode;
    }

    private ProcessSpec CreateSpec(ProjectResource resource, int replica, string instance)
    {
        return new ProcessSpec(instance, "dotnet", [build.DllPath(resource)])
        {
            WorkingDirectory = resource.ProjectDirectory,
            Environment = environment.For(resource, replica),
            OnOutput = line => ConsoleLines.Write(output, instance, line),
        };
    }
}
