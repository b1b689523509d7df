using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Hosting;

namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// A run-mode subscriber that follows every resource state change from the moment the resources exist until the
/// AppHost stops.
/// </summary>
internal abstract class ResourceEventSubscriber(ResourceNotificationService notifications, IHostApplicationLifetime lifetime)
    : IDistributedApplicationEventingSubscriber
{
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

    /// <summary>Called for each state change, in order; <paramref name="stopping"/> fires when the AppHost stops.</summary>
    protected abstract void OnResourceEvent(ResourceEvent e, CancellationToken stopping);

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                OnResourceEvent(e, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
