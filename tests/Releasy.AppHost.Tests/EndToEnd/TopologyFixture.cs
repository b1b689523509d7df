using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>
/// One topology for the checks that only read it (and the journey, which makes its own customer): the dashboard
/// on, the proxy on every interface, and one Releasy setting given to the AppHost to see it reach the API.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public TopologyRun Run { get; private set; } = null!;

    public async Task InitializeAsync() => Run = await TopologyRun.StartAsync(dashboard: true,
        "--RELEASY_BIND_ADDR=0.0.0.0:0", "--RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS=900");

    public async Task DisposeAsync() => await Run.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>
{
    public const string Name = "Topology";
}
