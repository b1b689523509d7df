using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    public IResource this[string name] =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"There is no resource named '{name}'.");

    /// <summary>
    /// What a resource waits for: its own parent (a database waits for its server), then its waits, each preceded
    /// by the parent of a waited-for child.
    /// </summary>
    public static IEnumerable<WaitAnnotation> EffectiveWaits(IResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var own = resource is IResourceWithParent child ? [new WaitAnnotation(child.Parent, WaitType.WaitUntilHealthy)] : Array.Empty<WaitAnnotation>();
        return own.Concat(resource.GetWaits().SelectMany(w => w.Resource is IResourceWithParent waitedChild
            ? [new WaitAnnotation(waitedChild.Parent, WaitType.WaitUntilHealthy), w]
            : new[] { w }));
    }

    /// <summary>Whether another resource waits for this one (with the given kind of wait, when one is given).</summary>
    public bool IsAwaited(IResource resource, WaitType? type = null) =>
        Resources.Any(r => r.GetWaits().Any(w => ReferenceEquals(w.Resource, resource) && (type is null || w.WaitType == type)));

    /// <summary>Fails on wait cycles and on environment callbacks that cannot be evaluated, before anything runs.</summary>
    public void Validate(IConfiguration configuration)
    {
        foreach (var resource in Resources)
        {
            FindCycle(resource, [resource.Name]);
            resource.EvaluateEnvironment(DistributedApplicationOperation.Publish, configuration);
        }
    }

    private static void FindCycle(IResource resource, List<string> path)
    {
        foreach (var wait in resource.GetWaits())
        {
            if (path.Contains(wait.Resource.Name))
            {
                throw new DistributedApplicationException($"Circular wait: {string.Join(" -> ", path)} -> {wait.Resource.Name}.");
            }

            FindCycle(wait.Resource, [.. path, wait.Resource.Name]);
        }
    }
}
