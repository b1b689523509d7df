using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// The restart policy Aspire lacks for projects: a resource with a <see cref="RestartOnFailureAnnotation"/> that
/// exits with a non-zero code is started again with back-off, up to the policy's cap. Each restart is written to
/// the resource's console log, so the dashboard shows it next to the crash.
/// </summary>
internal sealed class RestartOnFailure(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IntentionalStops intentionalStops,
    ILogger<RestartOnFailure> logger) : ResourceEventSubscriber(notifications, lifetime)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _restarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);

    protected override void OnResourceEvent(ResourceEvent e, CancellationToken stopping)
    {
        if (!e.Resource.TryGetLastAnnotation<RestartOnFailureAnnotation>(out var policy))
        {
            return;
        }

        if (!ResourceStates.IsFailedExit(e.Snapshot) || intentionalStops.Contains(e.Resource))
        {
            // Running again: a later exit is a new failure.
            if (e.Snapshot.State?.Text == KnownResourceStates.Running)
            {
                _pending.TryRemove(e.ResourceId, out _);
            }

            return;
        }

        if (_pending.TryAdd(e.ResourceId, true))
        {
            _ = RestartAsync(e, policy, stopping);
        }
    }

    private async Task RestartAsync(ResourceEvent e, RestartOnFailureAnnotation policy, CancellationToken stopping)
    {
        var log = resourceLogs.GetLogger(e.ResourceId);
        var history = _restarts.GetOrAdd(e.ResourceId, _ => new Queue<DateTimeOffset>());
        var now = time.GetUtcNow();
        int restart;
        lock (history)
        {
            while (history.Count > 0 && now - history.Peek() > policy.Window)
            {
                history.Dequeue();
            }

            restart = history.Count + 1;
            if (restart <= policy.MaxRestarts)
            {
                history.Enqueue(now);
            }
        }

        if (restart > policy.MaxRestarts)
        {
            logger.LogError("{Resource} exited with code {ExitCode} after {Restarts} restarts within {Window}; it stays down.",
                e.ResourceId, e.Snapshot.ExitCode, policy.MaxRestarts, policy.Window);
            return;
        }

        var delay = policy.DelayBefore(restart);
        var message = $"exited with code {e.Snapshot.ExitCode}; restart {restart} of at most {policy.MaxRestarts} in {policy.Window} follows in {delay.TotalSeconds:0.#} s";
        log.LogWarning("{Message}", message);
        logger.LogWarning("{Resource} {Message}", e.ResourceId, message);
        try
        {
            await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            var result = await commands.ExecuteCommandAsync(e.ResourceId, KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
            if (!result.Success)
            {
                logger.LogError("{Resource} could not be restarted: {Error}", e.ResourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
