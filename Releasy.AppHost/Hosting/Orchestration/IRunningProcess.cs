namespace Releasy.AppHost.Hosting.Orchestration;

public interface IRunningProcess
{
    int Id { get; }

    /// <summary>Completes with the exit code.</summary>
    Task<int> Exited { get; }

    /// <summary>Sends the spec's stop signal, then kills the process if it is still there after <paramref name="grace"/>.</summary>
    Task StopAsync(TimeSpan grace);
}
