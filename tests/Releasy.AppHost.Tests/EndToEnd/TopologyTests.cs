using System.Net;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests.EndToEnd;

[Collection(TopologyCollection.Name)]
public sealed class TopologyTests(TopologyFixture fixture)
{
    private TopologyRun Run => fixture.Run;

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/live")]
    public async Task The_proxy_answers_the_meta_routes(string path)
    {
        using var client = new HttpClient { BaseAddress = Run.ProxyUrl };

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_proxy_forwards_v1_requests_to_the_api()
    {
        using var client = Run.CreateAdminClient();

        var response = await client.GetAsync("/v1/admin/customers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_api_instance_started_after_the_migrations_finished_with_exit_code_0()
    {
        var migrations = (await Run.CurrentAsync("migrations")).Snapshot;

        Assert.Equal(KnownResourceStates.Finished, migrations.State?.Text);
        Assert.Equal(0, migrations.ExitCode);
        foreach (var api in new[] { "api", "api-2" })
        {
            var started = (await Run.CurrentAsync(api)).Snapshot.StartTimeStamp;
            Assert.True(started >= migrations.StopTimeStamp, $"{api} started at {started:O}, before the migrations stopped at {migrations.StopTimeStamp:O}");
        }
    }

    [Fact]
    public async Task Only_the_proxy_listens_on_a_non_loopback_address()
    {
        var ours = ProcessTable.WithDescendants(ProcessTable.OrchestratorsOf(Environment.ProcessId));
        var proxy = ProcessTable.WithDescendants([await Run.ProcessIdAsync("proxy")]);

        var listening = (await ProcessTable.ListeningAsync()).Where(l => ours.Contains(l.Pid)).ToList();

        Assert.Contains(listening, l => proxy.Contains(l.Pid) && l.Local.StartsWith("0.0.0.0:", StringComparison.Ordinal));
        var others = listening.Where(l => !proxy.Contains(l.Pid)).ToList();
        Assert.Contains(others, l => l.Name == "postgres");
        Assert.Contains(others, l => l.Name == "Aspire.Dashboar");
        Assert.Contains(others, l => l.Name == "dcp");
        Assert.All(others, l => Assert.True(
            l.Local.StartsWith("127.0.0.1:", StringComparison.Ordinal) || l.Local.StartsWith("[::1]:", StringComparison.Ordinal),
            $"{l.Name} (pid {l.Pid}) listens on {l.Local}"));
    }

    [Fact]
    public async Task Each_api_instance_gets_its_own_loopback_address_and_the_releasy_settings()
    {
        var apis = new[] { await ApiEnvironmentAsync("api"), await ApiEnvironmentAsync("api-2") };
        var proxy = ProcessTable.Environment(await Run.ProcessIdAsync("proxy"));

        foreach (var api in apis)
        {
            Assert.StartsWith("127.0.0.1:", api["RELEASY_BIND_ADDR"], StringComparison.Ordinal);
            Assert.Equal(Run.ProxyUrl.ToString().TrimEnd('/'), api["RELEASY_PUBLIC_BASE_URL"].TrimEnd('/'));
            Assert.Equal(Path.Combine(Run.StateDirectory, "artifacts"), api["RELEASY_ARTIFACT_DIR"]);
            Assert.Equal("900", api["RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS"]);
            Assert.Equal(Run.AdminKey, api["RELEASY_ADMIN_API_KEY"]);
            Assert.Contains("Database=releasydb", api["ConnectionStrings__releasydb"], StringComparison.Ordinal);
        }

        Assert.NotEqual(apis[0]["RELEASY_BIND_ADDR"], apis[1]["RELEASY_BIND_ADDR"]);
        Assert.NotEqual(proxy["services__api__http__0"], proxy["services__api__http__1"]);
        Assert.StartsWith("0.0.0.0:", proxy["RELEASY_BIND_ADDR"], StringComparison.Ordinal);
    }

    /// <summary>The environment of the API process itself (the orchestrator may start it through <c>dotnet run</c>).</summary>
    private async Task<IReadOnlyDictionary<string, string>> ApiEnvironmentAsync(string resource)
    {
        var pid = ProcessTable.WithDescendants([await Run.ProcessIdAsync(resource)])
            .Last(p => ProcessTable.CommandLine(p).Contains("Releasy.Api", StringComparison.Ordinal));
        return ProcessTable.Environment(pid);
    }
}
