using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data;
using Releasy.Api.Options;

namespace Releasy.Api.Tests.HotPath;

/// <summary>
/// Holds a write lock that stalls the API's audit writer (PostgreSQL: an exclusive lock on <c>audit_events</c>;
/// SQLite: the database's write lock), so events pile up in its queue until the lock is released.
/// </summary>
internal sealed class AuditLock : IAsyncDisposable
{
    private readonly ReleasyDbContext _db;
    private bool _released;

    private AuditLock(ReleasyDbContext db) => _db = db;

    public static async Task<AuditLock> TakeAsync(TestDatabase database)
    {
        var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("BEGIN; LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE;");
        }

        return new AuditLock(db);
    }

    public async Task ReleaseAsync()
    {
        if (!_released)
        {
            _released = true;
            await _db.Database.ExecuteSqlRawAsync("ROLLBACK;");
            await _db.Database.CloseConnectionAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _db.DisposeAsync();
    }
}
