using System.Globalization;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Runs the model: builds the projects, gives every endpoint its address, starts each resource as soon as what
/// it waits for allows, and stops everything in reverse order with a bounded grace period.
/// </summary>
public sealed class Orchestrator : IAsyncDisposable
{
    public const string SkipBuildKey = "AppHost:SkipBuild";
    public const string StopTimeoutKey = "AppHost:StopTimeoutSeconds";

    private readonly DistributedApplicationModel _model;
    private readonly IConfiguration _configuration;
    private readonly IProcessRunner _runner;
    private readonly TextWriter _output;
    private readonly ProjectBuild _build;
    private readonly DependencyWaiter _waiter;
    private readonly ProjectRunner _projects;
    private readonly DatabaseProvisioner _databases;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private int _stopped;

    public Orchestrator(DistributedApplicationModel model, IConfiguration configuration, DistributedApplicationOptions options, ProjectBuild build)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _configuration = configuration;
        _build = build;
        _runner = options.ProcessRunner ?? ProcessRunner.Shared;
        _output = options.Output ?? Console.Out;
        State = StateDirectory.From(configuration);
        States = new ResourceStateTracker(_output);
        Endpoints = new EndpointAllocator(model);
        Values = new RuntimeValues(Endpoints, configuration, State);
        _waiter = new DependencyWaiter(model, States);
        var runId = Convert.ToHexStringLower(BitConverter.GetBytes(options.TimeProvider.GetTimestamp()))[..8];
        _projects = new ProjectRunner(_runner, States, new ProjectEnvironment(Values, configuration, runId), build, _waiter, options.TimeProvider, _output);
        _databases = new DatabaseProvisioner(model, _runner, States, Values, State, configuration, options.TimeProvider, _output);
    }

    public ResourceStateTracker States { get; }

    public EndpointAllocator Endpoints { get; }

    public RuntimeValues Values { get; }

    public StateDirectory State { get; }

    public IReadOnlyDictionary<string, IRunningProcess> Processes => _projects.Processes;

    /// <summary>Returns once every resource is up (healthy, running, or a job finished); throws with the reason otherwise.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        State.Ensure();
        ConsoleLines.Write(_output, "apphost", $"State directory: {State.Root}");
        if (!_configuration.GetValue(SkipBuildKey, false))
        {
            await _build.BuildAsync(_model.Resources.OfType<ProjectResource>().ToList(), _runner, State, _output, ct);
        }

        foreach (var resource in _model.Resources.Where(r => r is not ParameterResource))
        {
            _running.Add(Task.Run(() => RunResourceAsync(resource, _stopping.Token), CancellationToken.None));
        }

        string? failure = null;
        await States.WaitAsync(snapshots => (failure = FindFailure(snapshots)) is not null || AllUp(snapshots), ct);
        if (failure is not null)
        {
            await StopAsync();
            throw new DistributedApplicationException(failure);
        }
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        var grace = TimeSpan.FromSeconds(_configuration.GetValue(StopTimeoutKey, 10));
        foreach (var resource in _model.Resources.Reverse())
        {
            if (resource is ProjectResource project)
            {
                await _projects.StopAsync(project, grace);
            }
            else if (resource is PostgresServerResource && _databases.ServerProcess is { } server)
            {
                await server.StopAsync(grace);
            }
        }

        await Task.WhenAll(_running).WaitAsync(grace + grace);
        ConsoleLines.Write(_output, "apphost", "Stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task RunResourceAsync(IResource resource, CancellationToken stopping)
    {
        var instances = Enumerable.Range(0, resource.GetReplicaCount()).Select(i => resource.InstanceName(i)).ToList();
        try
        {
            if (DistributedApplicationModel.EffectiveWaits(resource).Any())
            {
                instances.ForEach(i => States.Publish(new ResourceSnapshot(i, resource.Name, KnownResourceStates.Waiting)));
            }

            await _waiter.WaitAsync(resource, stopping);
        }
        catch (DistributedApplicationException ex)
        {
            instances.ForEach(i => States.Publish(new ResourceSnapshot(i, resource.Name, KnownResourceStates.FailedToStart) { Reason = ex.Message }));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        switch (resource)
        {
            case PostgresServerResource server:
                await _databases.RunServerAsync(server, stopping);
                break;
            case PostgresDatabaseResource database:
                await _databases.CreateDatabaseAsync(database, stopping);
                break;
            case ConnectionStringResource connectionString:
                _databases.StartConnectionString(connectionString);
                break;
            case ProjectResource project:
                await Task.WhenAll(_projects.Start(project, stopping));
                break;
        }
    }

    private string? FindFailure(IReadOnlyList<ResourceSnapshot> snapshots)
    {
        foreach (var resource in _model.Resources)
        {
            var mine = snapshots.Where(s => s.ResourceName == resource.Name).ToList();
            if (mine.FirstOrDefault(s => s.State == KnownResourceStates.FailedToStart) is { } failed)
            {
                return failed.Reason ?? $"The '{resource.Name}' resource failed to start.";
            }

            if (!_model.IsAwaited(resource) && !_waiter.IsRestartable(resource) && mine.FirstOrDefault(s => s.State == KnownResourceStates.Exited) is { } exited)
            {
                return $"The '{resource.Name}' resource exited with code {exited.ExitCode?.ToString(CultureInfo.InvariantCulture)}.";
            }
        }

        return null;
    }

    private bool AllUp(IReadOnlyList<ResourceSnapshot> snapshots) => _model.Resources.Where(r => r is not ParameterResource).All(resource =>
    {
        var mine = snapshots.Where(s => s.ResourceName == resource.Name).ToList();
        var needsHealth = resource.GetHttpHealthCheck() is not null;
        return mine.Count == resource.GetReplicaCount() && mine.All(s =>
            s.State == KnownResourceStates.Healthy || s.State == KnownResourceStates.Finished ||
            (!needsHealth && s.State == KnownResourceStates.Running));
    });
}
