namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>Read-only questions about a resource's annotations.</summary>
public static class ResourceExtensions
{
    public static IEnumerable<T> AnnotationsOf<T>(this IResource resource) where T : IResourceAnnotation =>
        resource.Annotations.OfType<T>();

    public static int GetReplicaCount(this IResource resource) =>
        resource.AnnotationsOf<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    /// <summary><c>api</c> for a single instance, <c>api-0</c>, <c>api-1</c>, … for replicas.</summary>
    public static string InstanceName(this IResource resource, int replica) =>
        resource.GetReplicaCount() > 1 ? $"{resource.Name}-{replica}" : resource.Name;

    public static IReadOnlyList<EndpointAnnotation> GetEndpoints(this IResource resource) =>
        resource.AnnotationsOf<EndpointAnnotation>().ToList();

    public static EndpointAnnotation? FindEndpoint(this IResource resource, string name) =>
        resource.AnnotationsOf<EndpointAnnotation>().FirstOrDefault(e => e.Name == name);

    public static IReadOnlyList<WaitAnnotation> GetWaits(this IResource resource) =>
        resource.AnnotationsOf<WaitAnnotation>().ToList();

    public static HttpHealthCheckAnnotation? GetHttpHealthCheck(this IResource resource) =>
        resource.AnnotationsOf<HttpHealthCheckAnnotation>().LastOrDefault();

    /// <summary>Runs the environment callbacks in order; later ones overwrite earlier ones.</summary>
    public static EnvironmentCallbackContext EvaluateEnvironment(
        this IResource resource, DistributedApplicationOperation operation, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var context = new EnvironmentCallbackContext(operation, configuration);
        foreach (var annotation in resource.AnnotationsOf<EnvironmentCallbackAnnotation>())
        {
            annotation.Callback(context);
        }

        return context;
    }
}
