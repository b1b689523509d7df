using System.Diagnostics;
using System.Net;
using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.Orchestration;
using Releasy.Testing;

namespace Releasy.AppHost.Tests.EndToEnd;

[Collection(EndToEndCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task A_failed_migration_leaves_the_api_unstarted()
    {
        var closedPort = AllocatedEndpoint.FreePort("127.0.0.1");
        var log = new StringWriter();
        await using var app = RunningTopology.Build(log,
            $"--ConnectionStrings:releasydb=Host=127.0.0.1;Port={closedPort};Database=releasydb;Username=u;Password=p;Timeout=3");

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync().WaitAsync(RunningTopology.StartTimeout));
        RunningTopology.DeleteState(app);

        Assert.Equal("The 'api' resource will not start: 'migrations' exited with code 1 (expected 0).", error.Message);
        Assert.DoesNotContain(app.States.History, s => s.ResourceName == "api" && s.State == KnownResourceStates.Starting);
        Assert.Contains("PostgreSQL: using the external connection string from the AppHost's environment (ConnectionStrings__releasydb).", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_leaves_no_process_behind()
    {
        var topology = await RunningTopology.StartAsync();
        var pids = topology.ProcessIds;
        Assert.Equal(4, pids.Count); // postgres, migrations, api, proxy

        await topology.DisposeAsync();

        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"process {pid} outlived the AppHost"));
    }

    [Fact]
    public async Task A_killed_apphost_takes_its_children_with_it()
    {
        RunningTopology.RequirePostgres();
        var appHost = Path.Combine(AppContext.BaseDirectory, "..", "..", "Releasy.AppHost", new DirectoryInfo(AppContext.BaseDirectory).Name, "Releasy.AppHost.dll");
        var state = Directory.CreateDirectory(Path.Combine(Hosting.Testing.DistributedApplicationTestingBuilder.TestStateRoot, Guid.NewGuid().ToString("N")[..12])).FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = state };
        foreach (var arg in new[] { Path.GetFullPath(appHost), "--RELEASY_BIND_ADDR=127.0.0.1:0", $"--AppHost:StateDirectory={state}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var up = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } if (e.Data?.Contains("Everything is up", StringComparison.Ordinal) == true) { up.TrySetResult(); } };
        process.BeginOutputReadLine();
        await up.Task.WaitAsync(RunningTopology.StartTimeout);
        var pids = System.Text.RegularExpressions.Regex.Matches(output.ToString(), @"\(pid (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();

        process.Kill(); // SIGKILL: no chance to clean up
        await process.WaitForExitAsync();

        Assert.Equal(4, pids.Count);
        var survivors = await Eventually.UntilAsync(() => Task.FromResult(pids.Where(ProcessTable.IsAlive).ToList()), s => s.Count == 0, "the children to exit");
        Assert.Empty(survivors);
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task With_two_api_replicas_killing_one_loses_no_get_and_it_comes_back()
    {
        await using var topology = await RunningTopology.StartAsync("--AppHost:ApiReplicas=2");
        using var client = topology.CreateProxyClient();
        var victim = topology.App.States.Snapshots.Single(s => s.Instance == "api-0");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                Process.GetProcessById(victim.ProcessId!.Value).Kill();
            }

            statuses.Add((await client.GetAsync("/v1/admin/customers")).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await topology.App.States.WaitAsync(
            s => s.Any(x => x.Instance == "api-0" && x.State == KnownResourceStates.Healthy && x.ProcessId != victim.ProcessId),
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
