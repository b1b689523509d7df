using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Releasy.AppHost.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>Restarts the resource when it crashes: after 1 s, 2 s, 4 s … up to 30 s, at most 5 times in 10 minutes.</summary>
    public static IResourceBuilder<ProjectResource> WithRestartOnFailure(this IResourceBuilder<ProjectResource> resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource.ApplicationBuilder.Services.TryAddSingleton(TimeProvider.System);
        resource.ApplicationBuilder.Services.TryAddSingleton<IntentionalStops>();
        resource.ApplicationBuilder.Services.TryAddEventingSubscriber<RestartOnFailure>();
        return resource.WithAnnotation(new RestartOnFailureAnnotation(
            MaxRestarts: 5, FirstDelay: TimeSpan.FromSeconds(1), MaxDelay: TimeSpan.FromSeconds(30), Window: TimeSpan.FromMinutes(10)));
    }

    /// <summary>Prints one console line when a resource that others wait for exits with an error.</summary>
    public static IDistributedApplicationBuilder ReportFailedDependencies(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IntentionalStops>();
        builder.Services.TryAddEventingSubscriber<FailedDependencyReporter>();
        return builder;
    }
}
