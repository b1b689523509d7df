using System.Data.Common;
using Releasy.Api.Data;

namespace Releasy.Api.Meta;

/// <summary>
/// The latest migration recorded in the database's history (which may be newer than this build's own, on an
/// expanded schema). Read at most once per <see cref="CacheFor"/>, so a polled <c>/version</c> costs no query.
/// </summary>
public sealed partial class SchemaMigrationReader(IServiceScopeFactory scopes, TimeProvider time, ILogger<SchemaMigrationReader> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private Reading? _last;

    /// <summary>The migration id, or null when the database cannot be read now (not cached, so it recovers).</summary>
    public async Task<string?> LatestAppliedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _last) is { } last && now - last.At < CacheFor)
        {
            return last.MigrationId;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
            var latest = (await db.Database.GetAppliedMigrationsAsync(ct)).Order(StringComparer.Ordinal).LastOrDefault();
            Volatile.Write(ref _last, new Reading(latest, now));
            return latest;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            LogUnreadable(logger, ex);
            return null;
        }
    }

    private sealed record Reading(string? MigrationId, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Debug, Message = "/version: the migration history could not be read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
