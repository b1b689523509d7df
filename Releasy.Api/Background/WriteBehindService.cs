namespace Releasy.Api.Background;

/// <summary>
/// A loop that writes what requests left behind, and writes the rest after the web server has stopped
/// (<see cref="IHostedLifecycleService.StoppedAsync"/> runs once every hosted service, the server included, has
/// stopped), so the last requests' work is kept on a clean shutdown, within the host's shutdown timeout.
/// </summary>
public abstract class WriteBehindService : IHostedLifecycleService
{
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        EndLoop();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await DrainAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The loop; it returns once <see cref="EndLoop"/> was called (after finishing what it holds, if it can).</summary>
    protected abstract Task RunAsync();

    /// <summary>Asks the loop to end: no request can add work any more.</summary>
    protected abstract void EndLoop();

    /// <summary>Writes what the loop left, after it ended.</summary>
    protected virtual Task DrainAsync(CancellationToken ct) => Task.CompletedTask;
}
