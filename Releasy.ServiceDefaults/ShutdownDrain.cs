using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Drain-aware shutdown. When the host is asked to stop (SIGTERM, <c>StopApplication</c>), readiness turns 503 at
/// once (<see cref="ShutdownDrainHealthCheck"/>); the host's stop then waits here for the drain period, with the
/// server still accepting and serving requests, before Kestrel stops listening and finishes the requests in flight.
/// The period is measured on <see cref="TimeProvider"/>, so tests move it by hand.
/// </summary>
public sealed partial class ShutdownDrain(
    ShutdownDrainOptions options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService
{
    private readonly Lock _gate = new();
    private Task? _drained;

    /// <summary>True from the stop request on: readiness probes must send traffic elsewhere.</summary>
    public bool IsDraining => Volatile.Read(ref _drained) is not null;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // A signal fires ApplicationStopping before the host's stop reaches StoppingAsync: flip readiness then.
        lifetime.ApplicationStopping.Register(BeginDrain);
        return Task.CompletedTask;
    }

    /// <summary>Runs before any hosted service stops, Kestrel included: the server keeps serving while this waits.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        try
        {
            await _drained!.WaitAsync(cancellationToken);
            LogDrained(logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop budget ran out (or a second signal): stop now rather than fail the shutdown.
            LogCutShort(logger);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void BeginDrain()
    {
        lock (_gate)
        {
            if (_drained is not null)
            {
                return; // Once per process: a second stop call waits for the same period.
            }

            LogDraining(logger, options.Drain.TotalSeconds);
            Volatile.Write(ref _drained, options.Drain > TimeSpan.Zero ? Task.Delay(options.Drain, time) : Task.CompletedTask);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness is 503, draining for {Seconds} s before the server stops")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain complete: finishing the requests in flight")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain cut short: the shutdown timeout elapsed or the stop was cancelled")]
    private static partial void LogCutShort(ILogger logger);
}
