using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Releasy.Proxy.Tests.Infrastructure;
using Releasy.Testing;

namespace Releasy.Proxy.Tests;

/// <summary>
/// Colour routing from the rollout configuration: a cluster per colour, chosen by <c>X-Releasy-Version</c>, by the
/// API key's assignment or by default, and a rollout file whose changes apply without a restart.
/// </summary>
public sealed class ProxyRolloutTests : IAsyncLifetime
{
    private const string AssignedKey = "releasy_GrEn" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private const string OtherKey = "releasy_BlUe" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private string _directory = "";
    private int _revision;

    private string RolloutFile => Path.Combine(_directory, "rollout.json");

    public Task InitializeAsync()
    {
        _directory = ScratchDirectory.Create("releasy-rollout-");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sends_a_request_to_the_default_colour_or_to_the_colour_its_header_names()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var green = await TestBackend.StartAsync("green");
        await WriteRolloutAsync("blue", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] });
        await using var proxy = await StartProxyAsync();
        using var client = proxy.CreateClient();

        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases"));
        Assert.Equal("green", await BackendOfAsync(client, "/v1/releases", version: "green"));
        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases", version: "blue"));
        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases", version: " "));
        Assert.Equal("green", await BackendOfAsync(client, "/v1/releases", version: " green "));
        var versionOfGreen = await client.SendAsync(Get("/version", version: "green"));
        Assert.Contains("\"backend\":\"green\"", await versionOfGreen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("purple", "unknown release version: purple")]
    [InlineData("Blue", "unknown release version: Blue")]
    [InlineData("x<script>\"y", "unknown release version: x?script??y")]
    [InlineData("a-very-long-colour-name-that-goes-on-and-on", "unknown release version: a-very-long-colour-name-that-goe...")]
    public async Task Answers_400_in_the_error_envelope_for_a_colour_that_is_not_live(string version, string message)
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await WriteRolloutAsync("blue", new() { ["blue"] = [blue.Url] });
        await using var proxy = await StartProxyAsync();
        using var client = proxy.CreateClient();

        var response = await client.SendAsync(Get("/v1/releases", version: version));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("bad_request", error["code"]!.GetValue<string>());
        Assert.Equal(message, error["message"]!.GetValue<string>());
        Assert.Empty(blue.Paths);
    }

    [Fact]
    public async Task Sends_an_assigned_customer_to_its_colour_unless_the_header_names_another()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var green = await TestBackend.StartAsync("green");
        await WriteRolloutAsync("blue", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] },
            new() { [AssignedKey[..12]] = "green" });
        await using var proxy = await StartProxyAsync();
        using var client = proxy.CreateClient();

        Assert.Equal("green", await BackendOfAsync(client, "/v1/releases", apiKey: AssignedKey));
        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases", apiKey: OtherKey));
        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases", apiKey: AssignedKey, version: "blue"));
    }

    [Fact]
    public async Task Switches_the_default_colour_when_the_file_changes_without_failing_a_request()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var green = await TestBackend.StartAsync("green");
        await WriteRolloutAsync("blue", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] });
        await using var proxy = await StartProxyAsync();
        using var client = proxy.CreateClient();
        using var stop = new CancellationTokenSource();
        var load = SteadyLoadAsync(client, stop.Token);

        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await WriteRolloutAsync("green", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] });
        await Eventually.UntilAsync(() => BackendOfAsync(client, "/v1/after"), b => b == "green", "the default colour to become green");
        await WriteRolloutAsync("green", new() { ["green"] = [green.Url] });
        await Eventually.UntilAsync(async () => (await client.SendAsync(Get("/v1/after", version: "blue"))).StatusCode,
            s => s == HttpStatusCode.BadRequest, "blue to leave the rollout");
        stop.Cancel();
        var (sent, failures) = await load;

        Assert.True(sent > 20, $"only {sent} requests were sent");
        Assert.Empty(failures);
        Assert.True(green.HitsOn("/v1/load") > 0);
        Assert.False(proxy.HasExited);
    }

    [Fact]
    public async Task Keeps_the_previous_rollout_when_the_file_names_a_default_colour_that_is_not_live()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var green = await TestBackend.StartAsync("green");
        await WriteRolloutAsync("blue", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] });
        await using var proxy = await StartProxyAsync();
        using var client = proxy.CreateClient();

        await WriteRolloutAsync("purple", new() { ["blue"] = [blue.Url], ["green"] = [green.Url] });
        await Eventually.UntilAsync(() => Task.FromResult(proxy.Output), o => o.Contains("Rollout 2 refused, the previous one stays", StringComparison.Ordinal),
            "the proxy to refuse the rollout");

        Assert.Contains("Rollout 1 applied: default colour blue; colours blue (1), green (1); 0 assignments", proxy.Output, StringComparison.Ordinal);
        Assert.Contains("Rollout:DefaultColour 'purple' is not one of the colours (blue, green)", proxy.Output, StringComparison.Ordinal);
        Assert.Equal("blue", await BackendOfAsync(client, "/v1/releases"));
        Assert.Equal("green", await BackendOfAsync(client, "/v1/releases", version: "green"));
    }

    [Fact]
    public async Task Takes_colours_from_environment_variables_and_checks_each_colours_health_on_its_own()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var blue2 = await TestBackend.StartAsync("blue-2");
        await using var green = await TestBackend.StartAsync("green");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["Rollout__DefaultColour"] = "blue",
            ["Rollout__Colours__blue__0"] = blue.Url,
            ["Rollout__Colours__blue__1"] = blue2.Url,
            ["Rollout__Colours__green__0"] = green.Url,
            ["ReverseProxy__Clusters__api__HealthCheck__Active__Interval"] = "00:00:00.500",
        });
        using var client = proxy.CreateClient();
        Assert.Equal(["blue", "blue-2"], (await BackendsOfAsync(client, 6)).Order());

        blue2.SetHealthy(false);
        await Eventually.UntilAsync(() => BackendsOfAsync(client, 6), s => s.SetEquals(["blue"]), "blue-2 to leave the rotation");
        Assert.Equal("green", await BackendOfAsync(client, "/v1/releases", version: "green"));
    }

    [Fact]
    public async Task Ignores_the_version_header_when_no_colours_are_configured()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string> { ["services__api__http__0"] = a.Url });
        using var client = proxy.CreateClient();

        Assert.Equal("a", await BackendOfAsync(client, "/v1/releases", version: "green"));
    }

    [Fact]
    public async Task Refuses_to_start_with_an_assignment_to_a_colour_that_is_not_configured()
    {
        var (exitCode, output) = await ProxyProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Rollout__DefaultColour"] = "blue",
            ["Rollout__Colours__blue__0"] = "http://127.0.0.1:1",
            ["Rollout__Assignments__releasy_AbCd"] = "green",
            ["Rollout__Colours__Red__0"] = "http://127.0.0.1:2",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Invalid rollout configuration: colour 'Red' is not a lower-case name of 1 to 32 letters, digits or '-'; " +
            "assignment 'releasy_AbCd' names colour 'green', which is not configured.", output, StringComparison.Ordinal);
    }

    private Task<ProxyProcess> StartProxyAsync() =>
        ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["RELEASY_PROXY_ROLLOUT_FILE"] = RolloutFile,
            ["Logging__LogLevel__Releasy.Proxy"] = "Information",
        });

    /// <summary>Writes the rollout file as the AppHost does: a new file renamed over the old one.</summary>
    private async Task WriteRolloutAsync(string defaultColour, Dictionary<string, string[]> colours, Dictionary<string, string>? assignments = null)
    {
        var rollout = new JsonObject
        {
            ["Revision"] = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DefaultColour"] = defaultColour,
            ["Colours"] = new JsonObject(colours.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)new JsonArray([.. c.Value.Select(v => (JsonNode?)v)])))),
            ["Assignments"] = new JsonObject((assignments ?? []).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        };
        var temporary = RolloutFile + ".new";
        await File.WriteAllTextAsync(temporary, new JsonObject { ["Rollout"] = rollout }.ToJsonString());
        File.Move(temporary, RolloutFile, overwrite: true);
    }

    /// <summary>GETs and idempotent POSTs one after another until stopped; returns the count and every failure.</summary>
    private static async Task<(int Sent, List<string> Failures)> SteadyLoadAsync(HttpClient client, CancellationToken stop)
    {
        var failures = new List<string>();
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            using var request = sent % 2 == 0
                ? Get("/v1/load")
                : new HttpRequestMessage(HttpMethod.Post, "/v1/load") { Content = JsonContent.Create(new { n = sent }) };
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{request.Method} {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{request.Method} {ex.Message}");
            }

            sent++;
        }

        return (sent, failures);
    }

    private static HttpRequestMessage Get(string path, string? version = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (version is not null)
        {
            request.Headers.Add("X-Releasy-Version", version);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-releasy-api-key", apiKey);
        }

        return request;
    }

    private static async Task<string> BackendOfAsync(HttpClient client, string path, string? version = null, string? apiKey = null)
    {
        using var response = await client.SendAsync(Get(path, version, apiKey));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EchoResponse>())!.Backend;
    }

    private static async Task<HashSet<string>> BackendsOfAsync(HttpClient client, int requests)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < requests; i++)
        {
            seen.Add(await BackendOfAsync(client, "/v1/which"));
        }

        return seen;
    }
}
