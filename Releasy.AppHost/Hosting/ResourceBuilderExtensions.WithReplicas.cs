using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Runs <paramref name="replicas"/> instances, each on its own port, all listed in services__ variables.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (replicas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(replicas), replicas,
                $"The '{builder.Resource.Name}' resource needs at least 1 replica, not {replicas}.");
        }

        return builder.WithAnnotation(new ReplicaAnnotation(replicas));
    }
}
