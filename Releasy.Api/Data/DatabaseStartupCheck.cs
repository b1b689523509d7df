using Releasy.Api.Options;

namespace Releasy.Api.Data;

/// <summary>
/// Runs before the listener opens: the API refuses to serve a database with pending migrations, which
/// belong to Releasy.MigrationService. <c>RELEASY_MIGRATE_ON_START=true</c> migrates here instead, for
/// running the API on its own as the original did. Migrations this build does not know (a newer release expanded the
/// schema) are fine: migrations only expand, so this build keeps working on it (README, "Schema compatibility").
/// </summary>
public sealed partial class DatabaseStartupCheck(
    IServiceProvider services, ReleasySettings settings, ILogger<DatabaseStartupCheck> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
        IReadOnlyList<string> pending;
        IReadOnlyList<string> newer;
        try
        {
            pending = [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            newer = [.. (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m))];
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            throw new StartupException($"database connect failed: {ex.Message}");
        }

        if (newer.Count > 0)
        {
            LogNewerSchema(logger, newer.Count, newer[^1]);
        }

        if (pending.Count == 0)
        {
            return;
        }

        if (!settings.Database.MigrateOnStart)
        {
            throw new StartupException(
                $"the database has {pending.Count} pending migration(s) (first: {pending[0]}); run Releasy.MigrationService " +
                "to apply them (`dotnet run --project Releasy.MigrationService`), or set RELEASY_MIGRATE_ON_START=true");
        }

        LogMigrating(logger, pending.Count);
        try
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            throw new StartupException($"database migration failed: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The database has {Count} migration(s) this build does not know (latest: {Latest}), from a newer release; serving on the expanded schema")]
    private static partial void LogNewerSchema(ILogger logger, int count, string latest);

    [LoggerMessage(Level = LogLevel.Information, Message = "RELEASY_MIGRATE_ON_START: applying {Count} migration(s)")]
    private static partial void LogMigrating(ILogger logger, int count);
}
