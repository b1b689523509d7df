using System.Data.Common;
using Releasy.Api.Background;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Audit;

/// <summary>
/// Writes the queued audit events in batches: each wake-up takes what has accumulated (up to
/// <see cref="MaxBatch"/>) and inserts it with one save, which EF sends as multi-row inserts. It drains the queue
/// after the web server has stopped (<see cref="WriteBehindService"/>), so the events of the last requests are written,
/// within the host's shutdown timeout. A failed batch is logged once and counted, never retried.
/// </summary>
public sealed partial class AuditWriter(
    AuditQueue queue, IServiceScopeFactory scopes, ReleasyMetrics metrics, ILogger<AuditWriter> logger) : WriteBehindService
{
    public const int MaxBatch = 1_000;

    /// <summary>The queue closes; the loop writes what it holds and ends.</summary>
    protected override void EndLoop() => queue.Complete();

    protected override async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<AuditEvent>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await WriteAsync(batch);
            queue.MarkProcessed(batch.Count);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<AuditEvent> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
            db.AuditEvents.AddRange(batch);
            await db.SaveChangesAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }
        catch (Exception ex) when (ex is DbUpdateException or DbException or InvalidOperationException)
        {
            // One line per batch, with the exception's type and message only: payloads hold ids, never secrets,
            // but a flood of stack traces in an outage helps nobody.
            LogBatchFailed(logger, batch.Count, ex.GetType().Name, ex.GetBaseException().Message);
            metrics.AuditWriteFailed(batch.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} api_key.auth audit events: {ErrorType}: {Error}")]
    private static partial void LogBatchFailed(ILogger logger, int count, string errorType, string error);
}
