namespace Releasy.AppHost.Rollouts;

/// <summary>One colour's API instances: a version of the API that the proxy can route to as a whole.</summary>
public sealed record ColourSet(string Colour, IReadOnlyList<IResourceBuilder<ProjectResource>> Instances)
{
    public IEnumerable<ProjectResource> Resources => Instances.Select(i => i.Resource);
}
