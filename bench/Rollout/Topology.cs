using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Releasy.AppHost.Rollouts;

namespace Releasy.Bench.Rollout;

/// <summary>
/// The real topology of Releasy.AppHost (PostgreSQL from the machine's binaries, migrations, the blue API instances,
/// the proxy; the green ones declared but stopped), on loopback with a state directory of its own. The rollout
/// steps are the proxy's resource commands, run through <see cref="ResourceCommandService"/> as the dashboard would.
/// </summary>
internal sealed class Topology : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly string _state;
    private readonly IResource _proxy;
    private readonly Stopwatch _clock;

    private Topology(DistributedApplication app, string state, Stopwatch clock)
    {
        _app = app;
        _state = state;
        _clock = clock;
        _proxy = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "proxy");
    }

    public Uri ProxyUrl => _app.GetEndpoint("proxy", "http");

    public string AdminKey => File.ReadAllText(Path.Combine(_state, "admin-key")).Trim();

    public TimeSpan StartTime { get; private set; }

    public bool AllStepsSucceeded { get; private set; } = true;

    public static async Task<Topology> StartAsync()
    {
        var clock = Stopwatch.StartNew();
        var state = Directory.CreateTempSubdirectory("releasy-rollout-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Releasy_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = false },
            [$"--AppHost:StateDirectory={state}", "--RELEASY_BIND_ADDR=127.0.0.1:0"]);
        // The services' own logs go to the dashboard, not here; this prints only the rollout's lines (below).
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Releasy.AppHost.Resources", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        // The proxy's per-caller rate limit would answer 429 to a load that all comes from one key: lift it here.
        builder.CreateResourceBuilder<ProjectResource>("proxy").WithEnvironment("Proxy__RateLimit__PermitLimit", "100000000");
        var topology = new Topology(await builder.BuildAsync(), state, clock);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await topology._app.StartAsync(timeout.Token);
        await topology._app.ResourceNotifications.WaitForResourceHealthyAsync("proxy", timeout.Token);
        topology.StartTime = clock.Elapsed;
        _ = topology.EchoRolloutLinesAsync();
        return topology;
    }

    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = ProxyUrl };
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", AdminKey);
        return client;
    }

    /// <summary>Runs one rollout step through the proxy's resource commands.</summary>
    public async Task<ExecuteCommandResult> RunStepAsync(string step, string keyPrefix)
    {
        var result = step switch
        {
            "rolling" => await CommandAsync(RolloutExtensions.RollingRestartCommand),
            "blue-green" => await CommandAsync(RolloutExtensions.BlueGreenCommand),
            "rollback" => await CommandAsync(RolloutExtensions.RollbackCommand),
            _ => await RainbowAsync(keyPrefix),
        };
        AllStepsSucceeded &= result.Success;
        return result;
    }

    /// <summary>Rainbow: one customer to green first (green starts, blue stays the default), then green the default.</summary>
    private async Task<ExecuteCommandResult> RainbowAsync(string keyPrefix)
    {
        var assigned = await CommandAsync(RolloutExtensions.RainbowCommand, ("colour", "green"), ("key-prefix", keyPrefix));
        return assigned.Success ? await CommandAsync(RolloutExtensions.RainbowCommand, ("colour", "green")) : assigned;
    }

    /// <summary>After a rainbow rollout: each live colour answers when named, and an unknown one is refused.</summary>
    public async Task<string> ColourCheckAsync(string apiKey)
    {
        using var client = new HttpClient { BaseAddress = ProxyUrl };
        var seen = new List<string>();
        foreach (var colour in new[] { "blue", "green", "purple" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/releases");
            request.Headers.Add("x-releasy-api-key", apiKey);
            request.Headers.Add("X-Releasy-Version", colour);
            using var response = await client.SendAsync(request);
            seen.Add($"{colour} → {(int)response.StatusCode}");
        }

        return string.Join(", ", seen);
    }

    private Task<ExecuteCommandResult> CommandAsync(string command, params (string Name, string Value)[] arguments)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        if (arguments.Length == 0)
        {
            return commands.ExecuteCommandAsync(_proxy, command);
        }

        var inputs = new InteractionInputCollection([.. arguments.Select(a => new InteractionInput { Name = a.Name, InputType = InputType.Text, Value = a.Value })]);
        return commands.ExecuteCommandAsync(_proxy, command, inputs);
    }

    /// <summary>Prints the rollout's steps (the AppHost's) and the rollouts the proxy applied (the proxy's own log).</summary>
    private async Task EchoRolloutLinesAsync()
    {
        var logs = _app.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            await foreach (var batch in logs.WatchAsync(_proxy))
            {
                foreach (var line in batch.Where(l => l.Content.Contains("rollout ", StringComparison.OrdinalIgnoreCase) || l.Content.Contains("rollout:", StringComparison.Ordinal)))
                {
                    Console.WriteLine($"  [{_clock.Elapsed.TotalSeconds,6:0.0} s] {Trim(line.Content)}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A log line without its timestamp and logger category prefix, for reading.</summary>
    private static string Trim(string content) => content.Length > 220 ? content[..220] + "…" : content;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
