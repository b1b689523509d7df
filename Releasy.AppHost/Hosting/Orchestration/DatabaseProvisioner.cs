using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Provides the databases, in this order of preference, and says which it chose: (1) a connection string from
/// the AppHost's configuration; (2) a private PostgreSQL from the machine's binaries; (3) SQLite under
/// <c>.releasy/</c>.
/// </summary>
public sealed class DatabaseProvisioner(
    DistributedApplicationModel model,
    IProcessRunner runner,
    ResourceStateTracker tracker,
    RuntimeValues values,
    StateDirectory state,
    IConfiguration configuration,
    TimeProvider time,
    TextWriter output)
{
    private LocalPostgres? _local;

    public IRunningProcess? ServerProcess => _local?.Process;

    /// <summary>Starts the server (or picks the external database or SQLite); a private instance is then watched until it exits.</summary>
    public async Task RunServerAsync(PostgresServerResource server, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        var databases = model.Resources.OfType<PostgresDatabaseResource>().Where(d => d.Server == server).ToList();
        var snapshot = new ResourceSnapshot(server.Name, server.Name, KnownResourceStates.Starting);
        tracker.Publish(snapshot);

        var external = databases.Select(d => (Database: d, ConnectionString: ExternalConnectionString(d))).ToList();
        if (external.Count > 0 && external.All(e => e.ConnectionString is not null))
        {
            Say($"PostgreSQL: using the external connection string from the AppHost's environment ({ExternalSource(databases[0])}).");
            external.ForEach(e => values.SetConnectionString(e.Database, e.ConnectionString!));
            tracker.Publish(snapshot with { State = KnownResourceStates.Running, Reason = "external" });
            return;
        }

        var bin = PostgresBinaries.Find(configuration[PostgresBinaries.ConfigurationKey]);
        if (bin is null)
        {
            Say($"PostgreSQL: no PostgreSQL server was found under /usr/lib/postgresql; `{PostgresBinaries.InstallHint}` installs one.");
            foreach (var database in databases)
            {
                var path = state.PathOf($"{database.DatabaseName}.db");
                Say($"PostgreSQL: falling back to SQLite at {path} for '{database.Name}'.");
                values.SetConnectionString(database, $"Data Source={path}");
            }

            tracker.Publish(snapshot with { State = KnownResourceStates.Running, Reason = "SQLite fallback" });
            return;
        }

        _local = new LocalPostgres(runner, bin, state.PathOf("postgres"), output);
        Say($"PostgreSQL: private instance from {bin}, data in {_local.DataDirectory}.");
        try
        {
            await _local.StartAsync(values.ResolveParameter(server.Password), server.Name, time, ct);
        }
        catch (DistributedApplicationException ex)
        {
            tracker.Publish(snapshot with { State = KnownResourceStates.FailedToStart, Reason = ex.Message });
            return;
        }

        values.SetConnectionString(server, _local.ConnectionString("postgres", values.ResolveParameter(server.Password)));
        tracker.Publish(snapshot with { State = KnownResourceStates.Running, ProcessId = _local.Process?.Id, Url = $"tcp://127.0.0.1:{_local.Port}" });
        await WatchServerAsync(snapshot, _local.Process!, ct);
    }

    public async Task CreateDatabaseAsync(PostgresDatabaseResource database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        var snapshot = new ResourceSnapshot(database.Name, database.Name, KnownResourceStates.Starting);
        tracker.Publish(snapshot);
        if (_local is not null)
        {
            var password = values.ResolveParameter(database.Server.Password);
            try
            {
                await _local.EnsureDatabaseAsync(database.DatabaseName, password, ct);
            }
            catch (DistributedApplicationException ex)
            {
                tracker.Publish(snapshot with { State = KnownResourceStates.FailedToStart, Reason = ex.Message });
                return;
            }

            values.SetConnectionString(database, _local.ConnectionString(database.DatabaseName, password));
        }

        tracker.Publish(snapshot with { State = KnownResourceStates.Running });
    }

    public void StartConnectionString(ConnectionStringResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var snapshot = new ResourceSnapshot(resource.Name, resource.Name, KnownResourceStates.Running);
        if (configuration[resource.ConfigurationKey] is { Length: > 0 } connectionString)
        {
            values.SetConnectionString(resource, connectionString);
            tracker.Publish(snapshot);
        }
        else
        {
            tracker.Publish(snapshot with { State = KnownResourceStates.FailedToStart, Reason = $"{resource.ConfigurationKey} is not set." });
        }
    }

    private string? ExternalConnectionString(PostgresDatabaseResource database) =>
        configuration.GetConnectionString(database.Name) is { Length: > 0 } cs ? cs : DatabaseUrl.ToConnectionString(configuration["RELEASY_DATABASE_URL"]);

    private string ExternalSource(PostgresDatabaseResource database) =>
        configuration.GetConnectionString(database.Name) is { Length: > 0 } ? $"ConnectionStrings__{database.Name}" : "RELEASY_DATABASE_URL";

    private async Task WatchServerAsync(ResourceSnapshot snapshot, IRunningProcess process, CancellationToken stopping)
    {
        var exitCode = await process.Exited;
        var state = stopping.IsCancellationRequested ? KnownResourceStates.Stopped : KnownResourceStates.Exited;
        tracker.Publish(snapshot with { State = state, ProcessId = process.Id, ExitCode = exitCode });
    }

    private void Say(string line) => ConsoleLines.Write(output, "apphost", line);
}
