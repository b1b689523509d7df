using System.Data.Common;
using Releasy.Api.Data;
using Releasy.Api.Options;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Audit;

/// <summary>
/// Deletes the audit events older than <c>RELEASY_AUDIT_RETENTION_DAYS</c>, shortly after start-up and then every
/// <see cref="Interval"/> (on <see cref="TimeProvider"/>). Each statement deletes at most <see cref="BatchSize"/> rows,
/// oldest first, with a <see cref="Pause"/> between statements, so pruning a large backlog never holds long locks
/// or starves the request path. Several instances may prune at once: they only delete the same old rows.
/// </summary>
public sealed partial class AuditPruner(
    ReleasySettings settings, IServiceScopeFactory scopes, TimeProvider clock, ReleasyMetrics metrics, ILogger<AuditPruner> logger)
    : BackgroundService
{
    public const int BatchSize = 1_000;
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private const long SecondsPerDay = 86_400;

    /// <summary>Deletes every event older than the retention period, batch by batch; returns how many went.</summary>
    public async Task<long> PruneAsync(CancellationToken ct)
    {
        if (settings.AuditRetention.Days is not { } days)
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow().ToUnixTimeSeconds() - days * SecondsPerDay;
        long total = 0;
        while (true)
        {
            int deleted;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
                deleted = await db.AuditEvents
                    .Where(e => e.CreatedAt < cutoff)
                    .OrderBy(e => e.CreatedAt)
                    .Take(BatchSize)
                    .ExecuteDeleteAsync(ct);
            }

            total += deleted;
            if (deleted > 0)
            {
                metrics.AuditPruned(deleted);
            }

            if (deleted < BatchSize)
            {
                break;
            }

            await Task.Delay(Pause, clock, ct);
        }

        if (total > 0)
        {
            LogPruned(logger, total, days);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.AuditRetention.Days is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await PruneAsync(stoppingToken);
                }
                catch (DbException ex)
                {
                    // The next run starts over from the oldest rows; nothing is lost by waiting.
                    LogPruneFailed(logger, ex.GetType().Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} audit events older than {Days} days")]
    private static partial void LogPruned(ILogger logger, long count, uint days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old audit events failed: {ErrorType}: {Error}")]
    private static partial void LogPruneFailed(ILogger logger, string errorType, string error);
}
