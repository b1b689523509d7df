using Microsoft.Extensions.Time.Testing;
using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.Orchestration;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

/// <summary>The wait graph and the restart policy, with the processes faked and everything else real.</summary>
public sealed class OrchestratorTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeProcessRunner _runner = new();
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _output = new();
    private Orchestrator? _orchestrator;

    private Orchestrator Orchestrate(int apiReplicas = 1)
    {
        var builder = new DistributedApplicationBuilder(new DistributedApplicationOptions
        {
            Args = ["--ConnectionStrings:releasydb=Host=db", "--AppHost:SkipBuild=true", $"--AppHost:StateDirectory={Path.GetTempPath()}releasy-orchestrator-tests"],
            AppHostDirectory = "/repo/Releasy.AppHost",
            IncludeEnvironmentVariables = false,
            ProcessRunner = _runner,
            TimeProvider = _time,
            Output = TextWriter.Synchronized(_output),
        });
        var db = builder.AddConnectionString("releasydb");
        var migrations = builder.AddProject("migrations", "../Releasy.MigrationService").WithReference(db).WaitFor(db);
        var api = builder.AddProject("api", "../Releasy.Api").WithHttpEndpoint().WithReference(db).WaitForCompletion(migrations).WithReplicas(apiReplicas);
        builder.AddProject("proxy", "../Releasy.Proxy").WithHttpEndpoint().WithReference(api).WaitFor(api);
        _orchestrator = new Orchestrator(builder.Build().Model, builder.Configuration, builder.Options, new ProjectBuild("/artifacts", "debug"));
        return _orchestrator;
    }

    [Fact]
    public async Task The_api_starts_only_after_the_migrations_exit_0()
    {
        _runner.ExitImmediately["migrations"] = 0;
        var orchestrator = Orchestrate();

        await orchestrator.StartAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(["migrations", "api", "proxy"], _runner.StartOrder);
        Assert.Equal("/artifacts/bin/Releasy.Api/debug/Releasy.Api.dll", _runner.Started[1].Spec.Arguments.Single());
        Assert.Equal("/repo/Releasy.Api", _runner.Started[1].Spec.WorkingDirectory);
    }

    [Fact]
    public async Task A_failed_migration_leaves_the_api_unstarted_and_says_why()
    {
        _runner.ExitImmediately["migrations"] = 1;
        var orchestrator = Orchestrate();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => orchestrator.StartAsync(CancellationToken.None).WaitAsync(Bound));

        Assert.Equal("The 'api' resource will not start: 'migrations' exited with code 1 (expected 0).", error.Message);
        Assert.Equal(["migrations"], _runner.StartOrder);
        Assert.Equal(KnownResourceStates.FailedToStart, Assert.Single(orchestrator.States.Of("api")).State);
    }

    [Fact]
    public async Task A_crashed_api_replica_is_restarted_after_a_back_off()
    {
        _runner.ExitImmediately["migrations"] = 0;
        var orchestrator = Orchestrate(apiReplicas: 2);
        await orchestrator.StartAsync(CancellationToken.None).WaitAsync(Bound);
        var first = _runner.Started.Single(p => p.Spec.Name == "api-1");

        first.Exit(137);
        await orchestrator.States.WaitAsync(s => s.Any(x => x.Instance == "api-1" && x.State == KnownResourceStates.Restarting), CancellationToken.None).WaitAsync(Bound);
        Assert.Single(_runner.Started, p => p.Spec.Name == "api-1");
        _time.Advance(ProjectRunner.InitialBackoff);
        await orchestrator.States.WaitAsync(s => s.Any(x => x.Instance == "api-1" && x.State == KnownResourceStates.Running && x.ProcessId != first.Id), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(2, _runner.Started.Count(p => p.Spec.Name == "api-1"));
        // Same port again, so the proxy's destination list stays valid.
        Assert.Equal(first.Spec.Environment["ASPNETCORE_URLS"], _runner.Started.Last(p => p.Spec.Name == "api-1").Spec.Environment["ASPNETCORE_URLS"]);
    }

    [Fact]
    public async Task Stop_stops_every_process_in_reverse_order()
    {
        _runner.ExitImmediately["migrations"] = 0;
        var orchestrator = Orchestrate();
        await orchestrator.StartAsync(CancellationToken.None).WaitAsync(Bound);

        await orchestrator.StopAsync().WaitAsync(Bound);

        Assert.Equal(["proxy", "api"], _runner.StopOrder);
        Assert.Equal(KnownResourceStates.Stopped, Assert.Single(orchestrator.States.Of("proxy")).State);
    }

    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }
    }
}
