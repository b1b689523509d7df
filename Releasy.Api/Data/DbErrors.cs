using Microsoft.Data.Sqlite;
using Npgsql;

namespace Releasy.Api.Data;

/// <summary>Provider-neutral reading of the database errors the endpoints turn into contract answers.</summary>
public static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// True when a save failed on a primary-key or unique index: PostgreSQL SQLSTATE 23505, or SQLite
    /// SQLITE_CONSTRAINT_UNIQUE / SQLITE_CONSTRAINT_PRIMARYKEY.
    /// </summary>
    public static bool IsUniqueViolation(this DbUpdateException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException switch
        {
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
            SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
                && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
            _ => false,
        };
    }

    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the database cannot be reached at all, as
    /// opposed to refusing one statement: a refused or dropped connection, a timeout, a server shutting down or
    /// not accepting connections, a database that no longer exists, or a SQLite file that cannot be opened.
    /// </summary>
    public static bool IsUnreachable(this Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) // admin/crash shutdown, cannot connect now
                        || postgres.SqlState == PostgresErrorCodes.InvalidCatalogName // the database is gone
                        || postgres.SqlState == PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql when npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException:
                    return true;
                case NpgsqlException npgsql:
                    return npgsql.IsTransient;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode == SqliteCantOpen;
            }
        }

        return false;
    }
}
