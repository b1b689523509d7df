using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Releasy.Api.Data;
using Releasy.Api.Options;

namespace Releasy.MigrationService;

/// <summary>
/// Applies the pending migrations and stops the host. The exit code is the verdict: 0 when the schema is
/// current, 1 otherwise. A BackgroundService that throws would still exit 0, so failure is set explicitly.
/// </summary>
public sealed partial class MigrationWorker(
    IServiceProvider services,
    IOptions<MigrationOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("Releasy.MigrationService");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("Migrate database", ActivityKind.Client);
        try
        {
            var connection = services.GetRequiredService<DatabaseConnection>();
            await WaitForDatabaseAsync(connection, stoppingToken);
            await using var migrationLock = await MigrationLock.AcquireAsync(connection, stoppingToken);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
            foreach (var migration in pending)
            {
                LogPending(logger, migration);
            }

            await db.Database.MigrateAsync(stoppingToken);
            LogDone(logger, pending.Count, connection.Provider);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            var message = ex.GetBaseException() is StartupException startup ? startup.Message : ex.Message;
            LogFailed(logger, ex, message);
            await Console.Error.WriteLineAsync($"Error: \"database migration failed: {message}\"");
            activity?.SetStatus(ActivityStatusCode.Error, message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// Waits for the server to accept the settings' connection. A server that answers but lacks the database is
    /// told apart from one that does not answer: migrating never creates the database, the orchestrator does.
    /// </summary>
    private async Task WaitForDatabaseAsync(DatabaseConnection connection, CancellationToken ct)
    {
        if (connection.Provider == DatabaseProvider.Sqlite)
        {
            // A file, not a server: nothing to wait for, and migrating creates it.
            return;
        }

        var deadline = clock.GetUtcNow().AddSeconds(options.Value.WaitSeconds);
        var delay = TimeSpan.FromSeconds(options.Value.RetryDelaySeconds);
        for (var attempt = 1; ; attempt++)
        {
            var state = await ProbeAsync(connection, ct);
            if (state == ProbeResult.Connected)
            {
                return;
            }

            if (clock.GetUtcNow() >= deadline)
            {
                var (database, server) = connection.Describe();
                throw new StartupException(state == ProbeResult.DatabaseMissing
                    ? $"database '{database}' does not exist on {server} (the server is reachable; create the database first)"
                    : $"database not reachable after {options.Value.WaitSeconds} s");
            }

            LogWaiting(logger, attempt, state);
            await Task.Delay(delay, clock, ct);
        }
    }

    private static async Task<ProbeResult> ProbeAsync(DatabaseConnection connection, CancellationToken ct)
    {
        await using var probe = connection.CreateDbConnection();
        try
        {
            await probe.OpenAsync(ct);
            return ProbeResult.Connected;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return ProbeResult.DatabaseMissing;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return ProbeResult.Unreachable;
        }
    }

    private enum ProbeResult
    {
        Connected,
        Unreachable,
        DatabaseMissing,
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending migration {Migration}")]
    private static partial void LogPending(ILogger logger, string migration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current: applied {Count} migration(s) on {Provider}")]
    private static partial void LogDone(ILogger logger, int count, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database not ready yet (attempt {Attempt}: {State}); retrying")]
    private static partial void LogWaiting(ILogger logger, int attempt, ProbeResult state);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migration failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string reason);
}
