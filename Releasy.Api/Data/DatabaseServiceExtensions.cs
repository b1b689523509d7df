using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Releasy.Api.Options;

namespace Releasy.Api.Data;

public static class DatabaseServiceExtensions
{
    /// <summary>
    /// Registers <see cref="ReleasyDbContext"/> for whichever provider <paramref name="options"/> names.
    /// PostgreSQL goes through Aspire's client integration: a pooled context, its health check and Npgsql's
    /// metrics. SQLite, the embedded path, gets the derived context so that EF picks the SQLite migration set.
    /// </summary>
    public static TBuilder AddReleasyDatabase<TBuilder>(this TBuilder builder, DatabaseOptions options)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DatabaseOutageTracker>();
        services.AddSingleton<DatabaseConnection>();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            services.AddScoped<ReleasyDbContext>(sp => sp.GetRequiredService<DatabaseConnection>().CreateContext());
            return builder;
        }

        services.AddDbContextPool<ReleasyDbContext>((sp, o) => sp.GetRequiredService<DatabaseConnection>().UsePostgres(o));
        builder.EnrichNpgsqlDbContext<ReleasyDbContext>(settings =>
        {
            // The endpoints turn each DbException into the contract's answer themselves; a retrying strategy
            // would re-run their writes and wrap those exceptions.
            settings.DisableRetry = true;
            // The service defaults already trace Npgsql's commands: one span per query, not two listeners.
            settings.DisableTracing = true;
        });
        return builder;
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

    private readonly DatabaseOutageInterceptor? _outages;

    public DatabaseConnection(DatabaseOptions options, DatabaseOutageTracker? outages = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        _connectionString = options.ConnectionString;
        _outages = outages is null ? null : new DatabaseOutageInterceptor(outages);
        if (options.Provider == DatabaseProvider.Postgres)
        {
            _dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
            _postgres = Configure(new DbContextOptionsBuilder<ReleasyDbContext>().UseNpgsql(_dataSource)).Options;
            return;
        }

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            _memoryKeepAlive = new SqliteConnection(options.ConnectionString);
            _memoryKeepAlive.Open();
        }

        _sqlite = Configure(new DbContextOptionsBuilder<SqliteReleasyDbContext>().UseSqlite(options.ConnectionString)).Options;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The database and server the settings name, for messages: never the password.</summary>
    public (string Database, string Server) Describe()
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            var npgsql = new NpgsqlConnectionStringBuilder(_connectionString);
            return (npgsql.Database ?? npgsql.Username ?? string.Empty, $"{npgsql.Host}:{npgsql.Port}");
        }

        return (new SqliteConnectionStringBuilder(_connectionString).DataSource, "sqlite");
    }

    /// <summary>A raw connection outside EF, for session-level work such as advisory locks.</summary>
    public System.Data.Common.DbConnection CreateDbConnection() =>
        _dataSource is not null ? _dataSource.CreateConnection() : new SqliteConnection(_connectionString);

    /// <summary>A context outside dependency injection (tests, design time); services resolve theirs from a scope.</summary>
    public ReleasyDbContext CreateContext() =>
        _postgres is not null ? new ReleasyDbContext(_postgres) : new SqliteReleasyDbContext(_sqlite!);

    /// <summary>Points a (pooled) context at this connection pool.</summary>
    public DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder builder) =>
        _dataSource is not null
            ? Configure(builder.UseNpgsql(_dataSource))
            : throw new InvalidOperationException("The database is not PostgreSQL.");

    /// <summary>
    /// EF's own error events (a failed connection, command, query or save) log each failure with its stack trace:
    /// thousands a second in an outage. They drop to Debug; the endpoints answer handled failures, the exception
    /// handler logs unhandled ones, and <see cref="DatabaseOutageTracker"/> logs an outage once.
    /// </summary>
    private TBuilder Configure<TBuilder>(TBuilder builder) where TBuilder : DbContextOptionsBuilder
    {
        builder.ConfigureWarnings(w => w.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        if (_outages is not null)
        {
            builder.AddInterceptors(_outages);
        }

        return builder;
    }

    public void Dispose()
    {
        _dataSource?.Dispose();
        _memoryKeepAlive?.Dispose();
    }
}
