using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Gives the resource <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        EnsureNotSelf(builder.Resource, source.Resource);
        var reference = new ConnectionStringReference(source.Resource);
        return builder.WithEnvironment(context => context.EnvironmentVariables[$"ConnectionStrings__{source.Resource.Name}"] = reference);
    }

    /// <summary>
    /// Gives the resource <c>services__{name}__{endpoint}__{i}</c> for every endpoint of the source and, when it
    /// runs, every replica. The manifest has one entry per endpoint: a deployment puts its own balancer there.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        EnsureNotSelf(builder.Resource, source.Resource);
        var service = source.Resource;
        return builder.WithEnvironment(context =>
        {
            var endpoints = service.GetEndpoints();
            if (endpoints.Count == 0)
            {
                throw new DistributedApplicationException(
                    $"The '{builder.Resource.Name}' resource references '{service.Name}', which has no endpoint; call WithHttpEndpoint() on '{service.Name}'.");
            }

            var replicas = context.IsRunMode ? service.GetReplicaCount() : 1;
            foreach (var endpoint in endpoints)
            {
                for (var i = 0; i < replicas; i++)
                {
                    int? replica = context.IsRunMode ? i : null;
                    context.EnvironmentVariables[$"services__{service.Name}__{endpoint.Name}__{i}"] =
                        new EndpointReference(service, endpoint.Name, EndpointProperty.Url, replica);
                }
            }
        });
    }

    private static void EnsureNotSelf(IResource resource, IResource source)
    {
        if (ReferenceEquals(resource, source))
        {
            throw new InvalidOperationException($"The '{resource.Name}' resource cannot reference itself.");
        }
    }
}
