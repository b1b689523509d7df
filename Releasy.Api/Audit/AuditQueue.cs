using System.Threading.Channels;
using Releasy.Api.Data.Entities;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Audit;

/// <summary>
/// The <c>api_key.auth</c> events waiting for <see cref="AuditWriter"/>: a bounded in-process queue, so a request
/// never waits for its audit insert (contract 0.10). When the queue is full the event is dropped and counted on
/// <c>releasy.audit.dropped</c>; audit writes are best-effort (3.9.1) and the request's answer never depends on them.
/// </summary>
public sealed class AuditQueue
{
    /// <summary>About ten seconds of events at the throughput this machine reaches.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly Channel<AuditEvent> _channel;
    private readonly ReleasyMetrics _metrics;
    private long _enqueued;
    private long _processed;
    private TaskCompletionSource _progress = NewProgress();

    public AuditQueue(ReleasyMetrics metrics, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        _channel = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once instead of blocking: the caller drops.
            SingleReader = true,
        });
    }

    internal ChannelReader<AuditEvent> Reader => _channel.Reader;

    /// <summary>Queues the event, or drops and counts it when the queue is full or already closed for shutdown.</summary>
    public void Enqueue(AuditEvent auditEvent)
    {
        // Counted before the write, so a flush that starts after this call returns also waits for this event.
        Interlocked.Increment(ref _enqueued);
        if (!_channel.Writer.TryWrite(auditEvent))
        {
            _metrics.AuditDropped();
            MarkProcessed(1);
        }
    }

    /// <summary>
    /// Completes once every event queued before the call has been written (or its write has failed): what a clean
    /// shutdown waits for, and what tests use instead of sleeping.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref _enqueued);
        while (Interlocked.Read(ref _processed) < target)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _processed) >= target)
            {
                break;
            }

            await progress.WaitAsync(ct);
        }
    }

    /// <summary>No more events: the writer drains what is queued and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    internal void MarkProcessed(int count)
    {
        Interlocked.Add(ref _processed, count);
        Interlocked.Exchange(ref _progress, NewProgress()).TrySetResult();
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
