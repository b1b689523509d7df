using Releasy.Api.Options;

namespace Releasy.Api.Data;

/// <summary>
/// Runs before the listener opens: the API refuses to serve a database with pending migrations, which
/// belong to Releasy.MigrationService. <c>RELEASY_MIGRATE_ON_START=true</c> migrates here instead, for
/// running the API on its own as the original did.
/// </summary>
public sealed partial class DatabaseStartupCheck(
    IServiceProvider services, ReleasySettings settings, ILogger<DatabaseStartupCheck> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
        IReadOnlyList<string> pending;
        try
        {
            pending = [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            throw new StartupException($"database connect failed: {ex.Message}");
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

    [LoggerMessage(Level = LogLevel.Information, Message = "RELEASY_MIGRATE_ON_START: applying {Count} migration(s)")]
    private static partial void LogMigrating(ILogger logger, int count);
}
