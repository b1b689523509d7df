using Microsoft.Data.Sqlite;

namespace Releasy.Api.Options;

/// <summary>
/// Translates sqlx-style SQLite URLs: <c>sqlite://relative.db</c>, <c>sqlite:///absolute.db</c>,
/// <c>sqlite::memory:</c>, with <c>?mode=rwc</c> (create when missing), <c>rw</c> or <c>ro</c>.
/// </summary>
internal static class SqliteUrl
{
    public const string SharedMemoryName = "releasy-memory";

    public static string ToConnectionString(string url)
    {
        var body = url["sqlite:".Length..];
        var queryStart = body.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart >= 0 ? body[queryStart..] : string.Empty;
        var path = queryStart >= 0 ? body[..queryStart] : body;
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        var builder = new SqliteConnectionStringBuilder { ForeignKeys = true };
        if (path is ":memory:" or "")
        {
            // One named in-memory database shared by every connection of the process.
            builder.DataSource = SharedMemoryName;
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
            return builder.ConnectionString;
        }

        builder.DataSource = Uri.UnescapeDataString(path);
        builder.Mode = SqliteOpenMode.ReadWrite;
        foreach (var (key, value) in PostgresUrl.QueryPairs(query))
        {
            if (key == "mode")
            {
                builder.Mode = value switch
                {
                    "rwc" => SqliteOpenMode.ReadWriteCreate,
                    "rw" => SqliteOpenMode.ReadWrite,
                    "ro" => SqliteOpenMode.ReadOnly,
                    "memory" => SqliteOpenMode.Memory,
                    _ => throw new StartupException($"database connect failed: unsupported sqlite mode '{value}'"),
                };
            }
        }

        return builder.ConnectionString;
    }
}
