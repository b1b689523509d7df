using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>The resource counts as healthy (for WaitFor) once GET <paramref name="path"/> answers 2xx.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http")
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The health check path '{path}' must start with '/'.", nameof(path));
        }

        if (builder.Resource.FindEndpoint(endpointName) is null)
        {
            throw new InvalidOperationException(
                $"The '{builder.Resource.Name}' resource has no endpoint named '{endpointName}'; call WithHttpEndpoint() before WithHttpHealthCheck().");
        }

        return builder.WithAnnotation(new HttpHealthCheckAnnotation(path, endpointName));
    }
}
