using System.Collections.Concurrent;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
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
    ILogger<RestartOnFailure> logger) : IDistributedApplicationEventingSubscriber
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _restarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventing);
        ArgumentNullException.ThrowIfNull(executionContext);
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
            {
                _ = WatchAsync(lifetime.ApplicationStopping);
                return Task.CompletedTask;
            });
        }

        return Task.CompletedTask;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (!e.Resource.TryGetLastAnnotation<RestartOnFailureAnnotation>(out var policy))
                {
                    continue;
                }

                if (!ResourceStates.IsFailedExit(e.Snapshot))
                {
                    if (e.Snapshot.State?.Text is { } state && state == KnownResourceStates.Running)
                    {
                        _pending.TryRemove(e.ResourceId, out _);
                    }

                    continue;
                }

                if (_pending.TryAdd(e.ResourceId, true))
                {
                    _ = RestartAsync(e, policy, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
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
