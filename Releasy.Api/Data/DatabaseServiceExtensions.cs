using Microsoft.Data.Sqlite;
using Npgsql;
using Releasy.Api.Options;

namespace Releasy.Api.Data;

public static class DatabaseServiceExtensions
{
    /// <summary>
    /// Registers <see cref="ReleasyDbContext"/> for whichever provider the settings name. SQLite gets the
    /// derived context so that EF picks the SQLite migration set.
    /// </summary>
    public static IServiceCollection AddReleasyDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DatabaseConnection(sp.GetRequiredService<ReleasySettings>().Database));
        services.AddScoped<ReleasyDbContext>(sp => sp.GetRequiredService<DatabaseConnection>().CreateContext());
        return services;
    }
}

/// <summary>Holds the provider's connection pool (or, for in-memory SQLite, the connection keeping it alive).</summary>
public sealed class DatabaseConnection : IDisposable
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly SqliteConnection? _memoryKeepAlive;
    private readonly DbContextOptions<ReleasyDbContext>? _postgres;
    private readonly DbContextOptions<SqliteReleasyDbContext>? _sqlite;
    private readonly string _connectionString;

    public DatabaseConnection(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        _connectionString = options.ConnectionString;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            _dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
            _postgres = new DbContextOptionsBuilder<ReleasyDbContext>().UseNpgsql(_dataSource).Options;
            return;
        }

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            _memoryKeepAlive = new SqliteConnection(options.ConnectionString);
            _memoryKeepAlive.Open();
        }

        _sqlite = new DbContextOptionsBuilder<SqliteReleasyDbContext>().UseSqlite(options.ConnectionString).Options;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>A raw connection outside EF, for session-level work such as advisory locks.</summary>
    public System.Data.Common.DbConnection CreateDbConnection() =>
        _dataSource is not null ? _dataSource.CreateConnection() : new SqliteConnection(_connectionString);

    public ReleasyDbContext CreateContext() =>
        _postgres is not null ? new ReleasyDbContext(_postgres) : new SqliteReleasyDbContext(_sqlite!);

    public void Dispose()
    {
        _dataSource?.Dispose();
        _memoryKeepAlive?.Dispose();
    }
}
