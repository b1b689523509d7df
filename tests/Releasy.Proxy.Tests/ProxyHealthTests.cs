using System.Net;
using System.Net.Http.Json;
using Releasy.Proxy.Tests.Infrastructure;
using Releasy.Testing;

namespace Releasy.Proxy.Tests;

public sealed class ProxyHealthTests
{
    private const string FastProbes = "ReverseProxy__Clusters__api__HealthCheck__Active__Interval";

    [Fact]
    public async Task Takes_a_failing_destination_out_of_rotation_and_returns_it_when_it_recovers()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = a.Url,
            ["services__api__http__1"] = b.Url,
            [FastProbes] = "00:00:00.500",
        });
        using var client = proxy.CreateClient();

        b.SetHealthy(false);
        await Eventually.UntilAsync(() => BackendsOfAsync(client, 10), s => s.SetEquals(["a"]), "b to leave the rotation");

        b.SetHealthy(true);
        await Eventually.UntilAsync(() => BackendsOfAsync(client, 10), s => s.Contains("b"), "b to rejoin the rotation");
    }

    [Fact]
    public async Task Retries_a_get_on_another_destination_when_one_is_down()
    {
        await using var a = await TestBackend.StartAsync("a");
        var deadUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = deadUrl,
            ["services__api__http__1"] = a.Url,
            // Probes far apart, so only the retry can save the requests that land on the dead address.
            [FastProbes] = "00:10:00",
        });
        using var client = proxy.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.GetAsync("/v1/retry")).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Keeps_each_instance_a_destination_of_its_own_and_retries_gets_on_the_live_one_when_another_is_killed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = a.Url,
            ["services__api__http__1"] = b.Url,
            // Probes far apart, so only the retry on another destination can save the requests sent to b.
            [FastProbes] = "00:10:00",
        });
        using var client = proxy.CreateClient();
        var whileBothUp = await BackendsOfAsync(client, 6);

        await b.StopAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await client.GetAsync("/v1/after-kill")).StatusCode);
        }

        Assert.Equal(["a", "b"], whileBothUp.Order());
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(8, a.HitsOn("/v1/after-kill"));
    }

    [Fact]
    public async Task Does_not_replay_a_post_and_answers_502_in_the_error_envelope()
    {
        var deadUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = deadUrl,
            [FastProbes] = "00:10:00",
        });
        using var client = proxy.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/releases", new { product = "p" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"error":{"code":"service_unavailable","message":"the api did not answer"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Answers_503_in_the_error_envelope_when_no_destination_is_healthy()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = a.Url,
            [FastProbes] = "00:00:00.500",
        });
        using var client = proxy.CreateClient();

        a.SetHealthy(false);
        var response = await Eventually.UntilAsync(
            () => client.GetAsync("/v1/releases"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "a 503");

        Assert.Equal("""{"error":{"code":"service_unavailable","message":"no healthy api instance is available"}}""",
            await response.Content.ReadAsStringAsync());
    }

    private static async Task<HashSet<string>> BackendsOfAsync(HttpClient client, int requests)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < requests; i++)
        {
            var echo = await client.GetFromJsonAsync<EchoResponse>("/v1/which");
            seen.Add(echo!.Backend);
        }

        return seen;
    }
}
