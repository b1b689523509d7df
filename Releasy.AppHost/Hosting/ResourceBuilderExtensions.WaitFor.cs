using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Starts the resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        EnsureCanWait(builder.Resource, dependency.Resource);
        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitUntilHealthy));
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> has exited with <paramref name="exitCode"/>.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(
        this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, int exitCode = 0)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        EnsureCanWait(builder.Resource, dependency.Resource);
        if (dependency.Resource is not ProjectResource)
        {
            throw new InvalidOperationException(
                $"The '{builder.Resource.Name}' resource cannot wait for completion of '{dependency.Resource.Name}': only a project runs to completion.");
        }

        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitForCompletion, exitCode));
    }

    private static void EnsureCanWait(IResource resource, IResource dependency)
    {
        if (ReferenceEquals(resource, dependency))
        {
            throw new InvalidOperationException($"The '{resource.Name}' resource cannot wait for itself.");
        }

        if (dependency is ParameterResource)
        {
            throw new InvalidOperationException(
                $"The '{resource.Name}' resource cannot wait for '{dependency.Name}': a parameter has no state to wait for.");
        }

        if (resource.GetWaits().Any(w => ReferenceEquals(w.Resource, dependency)))
        {
            throw new InvalidOperationException($"The '{resource.Name}' resource already waits for '{dependency.Name}'.");
        }
    }
}
