namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// Several instances of one service, each with its own endpoint. <c>WithReplicas</c> puts every replica behind one
/// orchestrator port, where the proxy's health checks and retries could not tell a dead instance from a live one.
/// </summary>
public static class InstanceExtensions
{
    /// <summary>Adds <paramref name="count"/> instances of a project, named <c>name</c>, <c>name-2</c>, <c>name-3</c>, …</summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddProjectInstances<TProject>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int count,
        Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>> configure)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Enumerable.Range(1, count)
            .Select(i => configure(builder.AddProject<TProject>(i == 1 ? name : $"{name}-{i}")))
            .ToList();
    }

    /// <summary>
    /// Lets <paramref name="resource"/> discover every instance under one service name
    /// (<c>services__{name}__http__0</c>, <c>__1</c>, …) and start once all of them are healthy.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithInstanceReferences(
        this IResourceBuilder<ProjectResource> resource, string serviceName, IReadOnlyList<IResourceBuilder<ProjectResource>> instances)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(instances);
        resource.WithEnvironment(context =>
        {
            for (var i = 0; i < instances.Count; i++)
            {
                context.EnvironmentVariables[$"services__{serviceName}__http__{i}"] = instances[i].GetEndpoint("http");
            }
        });
        foreach (var instance in instances)
        {
            resource.WithReferenceRelationship(instance).WaitFor(instance);
        }

        return resource;
    }
}
