using System.Net;
using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>One real topology, started once for these read-only checks, with the proxy on every interface.</summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public RunningTopology Topology { get; private set; } = null!;

    public async Task InitializeAsync() => Topology = await RunningTopology.StartAsync("--RELEASY_BIND_ADDR=0.0.0.0:0");

    public async Task DisposeAsync() => await Topology.DisposeAsync();
}

[Collection(EndToEndCollection.Name)]
public sealed class TopologyTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private RunningTopology Topology => fixture.Topology;

    [Fact]
    public async Task The_proxy_answers_its_own_health()
    {
        using var client = Topology.CreateProxyClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_proxy_forwards_v1_requests_to_the_api()
    {
        using var client = Topology.CreateProxyClient();

        var response = await client.GetAsync("/v1/admin/customers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_started_only_after_the_migrations_finished_with_exit_code_0()
    {
        var history = Topology.App.States.History;

        var finished = history.ToList().FindIndex(s => s.ResourceName == "migrations" && s.State == KnownResourceStates.Finished);
        var apiStarting = history.ToList().FindIndex(s => s.ResourceName == "api" && s.State == KnownResourceStates.Starting);

        Assert.True(finished >= 0, "migrations never finished:\n" + RunningTopology.Tail(Topology.Log));
        Assert.Equal(0, history[finished].ExitCode);
        Assert.True(apiStarting > finished, $"api started at {apiStarting}, before migrations finished at {finished}");
    }

    [Fact]
    public async Task Only_the_proxy_listens_on_a_non_loopback_address()
    {
        var states = Topology.App.States.Snapshots.ToDictionary(s => s.Instance);
        var listening = await ProcessTable.ListeningAsync();

        var proxy = listening[states["proxy"].ProcessId!.Value].ToList();
        var others = new[] { "api", "postgres" }.SelectMany(r => listening[states[r].ProcessId!.Value]).ToList();

        Assert.Contains(proxy, a => a.StartsWith("0.0.0.0:", StringComparison.Ordinal));
        Assert.NotEmpty(others);
        Assert.All(others, a => Assert.StartsWith("127.0.0.1:", a, StringComparison.Ordinal));
    }
}
