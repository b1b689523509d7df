using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Releasy.AppHost.Postgres;
using Releasy.Testing;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>
/// The real topology of Program.cs, started with Aspire.Hosting.Testing: PostgreSQL from the machine's binaries,
/// the migrations, the API instances and the proxy, on free loopback ports and with a state directory of its own.
/// </summary>
public sealed class TopologyRun : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private const string PidProperty = "executable.pid";

    private TopologyRun(DistributedApplication app, string state, CapturedLogs logs)
    {
        App = app;
        StateDirectory = state;
        Logs = logs;
    }

    public DistributedApplication App { get; }

    public string StateDirectory { get; }

    public CapturedLogs Logs { get; }

    public string AdminKey => File.ReadAllText(Path.Combine(StateDirectory, "admin-key")).Trim();

    public Uri ProxyUrl => App.GetEndpoint("proxy", "http");

    /// <summary>Builds the topology without waiting for it; <paramref name="args"/> are the AppHost's settings.</summary>
    public static async Task<TopologyRun> BuildAsync(bool dashboard, params string[] args)
    {
        RequirePostgres();
        var state = ScratchDirectory.Create("releasy-apphost-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Releasy_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard },
            [$"--AppHost:StateDirectory={state}", "--RELEASY_BIND_ADDR=127.0.0.1:0", .. args]);
        var logs = new CapturedLogs();
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        return new TopologyRun(await builder.BuildAsync(), state, logs);
    }

    /// <summary>Starts the topology and waits until the proxy is healthy, which needs every API instance healthy.</summary>
    public static async Task<TopologyRun> StartAsync(bool dashboard, params string[] args)
    {
        var run = await BuildAsync(dashboard, args);
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await run.App.StartAsync(timeout.Token);
            await run.App.ResourceNotifications.WaitForResourceHealthyAsync("proxy", timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or DistributedApplicationException)
        {
            var log = run.Logs.ToString();
            await run.DisposeAsync();
            throw new InvalidOperationException($"The topology did not start: {ex.Message}\n--- AppHost log ---\n{log}", ex);
        }

        return run;
    }

    public HttpClient CreateAdminClient()
    {
        var client = new HttpClient { BaseAddress = ProxyUrl };
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", AdminKey);
        return client;
    }

    /// <summary>The current state of a resource by name (its only instance).</summary>
    public async Task<ResourceEvent> CurrentAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await App.ResourceNotifications.WaitForResourceAsync(resource, _ => true, timeout.Token);
    }

    /// <summary>The process id the orchestrator reports for a resource.</summary>
    public async Task<int> ProcessIdAsync(string resource) =>
        Pid((await CurrentAsync(resource)).Snapshot) ?? throw new InvalidOperationException($"{resource} has no process");

    public static int? Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == PidProperty)?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, CultureInfo.InvariantCulture, out var pid) => pid,
            _ => null,
        };

    public static void RequirePostgres()
    {
        if (PostgresBinaries.Find(null) is null)
        {
            throw new InvalidOperationException(
                $"These tests run the topology on a real PostgreSQL, but no server binaries exist under /usr/lib/postgresql: `{PostgresBinaries.InstallHint}` installs them.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL may still be writing its last files; ScratchDirectory removes the rest on a later run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
