using System.Data.Common;
using Npgsql;
using Releasy.Api.Data;
using Releasy.Api.Options;

namespace Releasy.MigrationService;

/// <summary>
/// Serialises concurrent workers so each migration is applied once. PostgreSQL: a session advisory lock
/// held on its own connection. SQLite: EF Core's own migration lock table.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    // Any fixed 64-bit number, the same in every worker: "releasy" in ASCII.
    private const long AdvisoryLockKey = 0x72656c65617379;
    private readonly DbConnection _connection;

    private MigrationLock(DbConnection connection) => _connection = connection;

    public static async Task<MigrationLock> AcquireAsync(DatabaseConnection database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var connection = (NpgsqlConnection)database.CreateDbConnection();
            try
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
                command.Parameters.AddWithValue("key", AdvisoryLockKey);
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync(ct);
                return new MigrationLock(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        // SQLite has no advisory locks; MigrateAsync takes EF Core's __EFMigrationsLock row instead.
        var sqlite = database.CreateDbConnection();
        await sqlite.OpenAsync(ct);
        return new MigrationLock(sqlite);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is NpgsqlConnection postgres && postgres.State == System.Data.ConnectionState.Open)
        {
            // Explicit, because a pooled connection's session outlives Dispose.
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", postgres);
            command.Parameters.AddWithValue("key", AdvisoryLockKey);
            await command.ExecuteNonQueryAsync();
        }

        await _connection.DisposeAsync();
    }
}
