using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data;
using Releasy.Api.Options;
using Releasy.Testing;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// A database of the test's own: a clone of a migrated PostgreSQL template (the default), or a SQLite file
/// when <c>RELEASY_TEST_DATABASE=sqlite</c>, so the same suite runs on both providers.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "RELEASY_TEST_DATABASE";
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

    // One pool for the test's own contexts, closed before the database is dropped.
    private readonly Lazy<DatabaseConnection> _connection;

    private TestDatabase(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _connection = new(() => new DatabaseConnection(Options()));
    }

    public static DatabaseProvider DefaultProvider =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "sqlite", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Sqlite
            : DatabaseProvider.Postgres;

    public DatabaseProvider Provider { get; }

    /// <summary>Given to the API as Aspire's <c>ConnectionStrings:releasydb</c>.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(bool migrated = true, DatabaseProvider? provider = null)
    {
        if ((provider ?? DefaultProvider) == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "releasy-tests", Guid.NewGuid().ToString("N") + ".db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var database = new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={path};Foreign Keys=True;Pooling=False");
            if (migrated)
            {
                await database.MigrateAsync();
            }

            return database;
        }

        var template = migrated ? await MigratedTemplateAsync() : null;
        return new TestDatabase(DatabaseProvider.Postgres, await PostgresServer.CreateDatabaseAsync(template));
    }

    public ReleasyDbContext CreateContext() => _connection.Value.CreateContext();

    public async Task MigrateAsync()
    {
        using var connection = new DatabaseConnection(Options());
        await using var db = connection.CreateContext();
        await db.Database.MigrateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource);
        }
    }

    private DatabaseOptions Options() => new() { Provider = Provider, ConnectionString = ConnectionString };

    private static async Task<string> MigratedTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_template is null)
            {
                var connectionString = await PostgresServer.CreateDatabaseAsync();
                await new TestDatabase(DatabaseProvider.Postgres, connectionString).MigrateAsync();
                Npgsql.NpgsqlConnection.ClearAllPools();
                _template = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
            }

            return _template!;
        }
        finally
        {
            TemplateLock.Release();
        }
    }
}
