namespace Releasy.Api.Storage;

/// <summary>
/// Removes the embedded store's temporary files that no upload or promotion will finish: the leftovers of a
/// crash, or of a client that stopped sending. It runs at start-up and then every <see cref="Interval"/>; a file
/// goes once it has not been written for <see cref="MaxAge"/>. An upload in progress keeps writing, so it is kept.
/// </summary>
public sealed partial class TemporaryFileCleaner(ArtifactStorage storage, TimeProvider clock, ILogger<TemporaryFileCleaner> logger)
    : BackgroundService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private PeriodicTimer? _timer;

    /// <summary>Called after each sweep with the number of files removed (tests wait on it).</summary>
    internal Action<int>? Swept { get; set; }

    /// <summary>Deletes the stale temporary files now; returns how many went.</summary>
    public int Sweep()
    {
        if (storage.Store is not EmbeddedArtifactStore store)
        {
            return 0;
        }

        var removed = 0;
        var cutoff = clock.GetUtcNow().UtcDateTime - MaxAge;
        try
        {
            foreach (var file in new DirectoryInfo(store.TemporaryDirectory).EnumerateFiles())
            {
                if (file.LastWriteTimeUtc < cutoff && TryDelete(file))
                {
                    removed++;
                }
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException)
        {
            // No upload ever started.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSweepFailed(logger, ex);
        }

        if (removed > 0)
        {
            LogRemoved(logger, removed);
        }

        Swept?.Invoke(removed);
        return removed;
    }

    /// <summary>Sweeps once before the host starts serving, then leaves the periodic sweeps to the background.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Sweep();
        // Started here, not in ExecuteAsync (which runs later on the thread pool): the period counts from start-up.
        _timer ??= new PeriodicTimer(Interval, clock);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, ex, file.Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} stale temporary upload files")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the stale temporary upload file {FileName}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping temporary upload files failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
