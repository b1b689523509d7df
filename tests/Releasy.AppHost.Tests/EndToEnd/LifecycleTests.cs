using System.Diagnostics;
using System.Net;
using Releasy.AppHost.Tests.Infrastructure;
using Releasy.Testing;

namespace Releasy.AppHost.Tests.EndToEnd;

[Collection(EndToEndCollection.Name)]
public sealed class LifecycleTests
{
    private static readonly string[] Services = ["postgres", "api", "api-2", "proxy"];

    [Fact]
    public async Task A_failed_migration_leaves_the_api_unstarted_and_says_why()
    {
        var closedPort = FreePort.Next();
        await using var run = await TopologyRun.BuildAsync(dashboard: false,
            $"--ConnectionStrings:releasydb=Host=127.0.0.1;Port={closedPort};Database=releasydb;Username=u;Password=p;Timeout=2");
        using var timeout = new CancellationTokenSource(TopologyRun.StartTimeout);

        await run.App.StartAsync(timeout.Token);
        var migrations = await run.App.ResourceNotifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.ExitCode is not null, timeout.Token);
        var api = await run.App.ResourceNotifications.WaitForResourceAsync("api",
            e => e.Snapshot.State?.Text == KnownResourceStates.FailedToStart, timeout.Token);

        Assert.Equal(1, migrations.Snapshot.ExitCode);
        Assert.Null(TopologyRun.Pid(api.Snapshot));
        Assert.Null(api.Snapshot.StartTimeStamp);
        var line = await Eventually.UntilAsync(
            () => Task.FromResult(run.Logs.Lines.FirstOrDefault(l => l.Contains("'migrations' exited with code 1", StringComparison.Ordinal))),
            l => l is not null, "the AppHost to report the failed migrations");
        Assert.Contains("so 'api', 'api-2' will not start. Its log:", line, StringComparison.Ordinal);
        Assert.Contains(run.Logs.Lines, l => l.Contains("Database: the external PostgreSQL from ConnectionStrings__releasydb.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Killing_an_api_instance_loses_no_get_and_the_instance_is_restarted()
    {
        await using var run = await TopologyRun.StartAsync(dashboard: false);
        using var client = run.CreateAdminClient();
        var victim = await run.ProcessIdAsync("api");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                foreach (var pid in ProcessTable.WithDescendants([victim]))
                {
                    Process.GetProcessById(pid).Kill();
                }
            }

            statuses.Add((await client.GetAsync("/v1/admin/customers")).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var restarted = await run.App.ResourceNotifications.WaitForResourceAsync("api",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && TopologyRun.Pid(e.Snapshot) is { } pid && pid != victim, timeout.Token);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        Assert.NotEqual(victim, TopologyRun.Pid(restarted.Snapshot));
        Assert.Contains(run.Logs.Lines, l => l.Contains("restart 1 of at most 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_the_apphost_stops_every_process_and_postgres_shuts_down_cleanly()
    {
        var run = await TopologyRun.StartAsync(dashboard: true);
        var roots = new List<int>();
        foreach (var resource in Services.Append("aspire-dashboard"))
        {
            roots.Add(await run.ProcessIdAsync(resource));
        }

        var pids = ProcessTable.WithDescendants(roots);
        Assert.Contains(pids, p => ProcessTable.CommandLine(p).StartsWith("/usr/lib/postgresql/", StringComparison.Ordinal));

        await run.App.DisposeAsync();

        var survivors = await Eventually.UntilAsync(() => Task.FromResult(pids.Where(ProcessTable.IsAlive).ToList()), s => s.Count == 0, "every process to exit");
        Assert.Empty(survivors);
        // A fast shutdown leaves the cluster "shut down"; a killed server leaves it "in production" (crash recovery next time).
        Assert.Contains("Database cluster state:               shut down", await ControlDataAsync(Path.Combine(run.StateDirectory, "postgres", "data")), StringComparison.Ordinal);
        await run.DisposeAsync();
    }

    [Fact]
    public async Task A_killed_apphost_takes_every_process_with_it()
    {
        TopologyRun.RequirePostgres();
        var state = ScratchDirectory.Create("releasy-apphost-");
        var proxyPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = state };
        start.ArgumentList.Add(Path.Combine(AppHostDirectory, "Releasy.AppHost.dll"));
        start.ArgumentList.Add($"--AppHost:StateDirectory={state}");
        start.ArgumentList.Add($"--RELEASY_BIND_ADDR=127.0.0.1:{proxyPort}");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        using var appHost = Process.Start(start)!;
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}") };
        await Eventually.UntilAsync(async () => (await client.GetAsync("/ready")).StatusCode, s => s == HttpStatusCode.OK, "the proxy to answer", TopologyRun.StartTimeout);
        var pids = ProcessTable.WithDescendants(ProcessTable.OrchestratorsOf(appHost.Id));
        Assert.Contains(pids, p => ProcessTable.CommandLine(p).Contains("Releasy.Proxy", StringComparison.Ordinal));
        Assert.Contains(pids, p => ProcessTable.CommandLine(p).StartsWith("/usr/lib/postgresql/", StringComparison.Ordinal));

        appHost.Kill(); // SIGKILL: the AppHost gets no chance to clean up
        await appHost.WaitForExitAsync();

        var survivors = await Eventually.UntilAsync(() => Task.FromResult(pids.Where(ProcessTable.IsAlive).ToList()), s => s.Count == 0,
            "every process to exit", TimeSpan.FromSeconds(60));
        Assert.Empty(survivors);
        Directory.Delete(state, recursive: true);
    }

    private static string AppHostDirectory =>
        Path.Combine(AppContext.BaseDirectory, "..", "..", "Releasy.AppHost", new DirectoryInfo(AppContext.BaseDirectory).Name);

    private static async Task<string> ControlDataAsync(string dataDirectory)
    {
        var bin = Releasy.AppHost.Postgres.PostgresBinaries.Find(null)!;
        using var process = Process.Start(new ProcessStartInfo(Path.Combine(bin, "pg_controldata"), ["-D", dataDirectory]) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
