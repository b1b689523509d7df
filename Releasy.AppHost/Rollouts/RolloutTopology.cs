namespace Releasy.AppHost.Rollouts;

/// <summary>The API colours a rollout moves between, the proxy it steers, and where the proxy's rollout file is.</summary>
public sealed class RolloutTopology(IReadOnlyList<ColourSet> colours, ProjectResource proxy, RolloutFile file, RolloutSettings settings)
{
    public IReadOnlyList<ColourSet> Colours { get; } = colours;

    public ProjectResource Proxy { get; } = proxy;

    public RolloutFile File { get; } = file;

    public RolloutSettings Settings { get; } = settings;

    public ColourSet ColourSet(string colour) =>
        Colours.FirstOrDefault(c => c.Colour == colour)
        ?? throw new InvalidOperationException($"there is no colour '{colour}' (colours: {string.Join(", ", Colours.Select(c => c.Colour))})");

    /// <summary>The address the proxy reaches an instance at: its orchestrator endpoint, which survives restarts.</summary>
    public string AddressOf(string instance) =>
        Colours.SelectMany(c => c.Instances).First(i => i.Resource.Name == instance).GetEndpoint("http").Url;
}
