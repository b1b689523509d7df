using Microsoft.Data.Sqlite;
using Npgsql;

namespace Releasy.Api.Options;

/// <summary>
/// Which database, from the contract's <c>RELEASY_DATABASE_URL</c> (<c>postgres://…</c>, <c>sqlite:…</c>) or
/// Aspire's <c>ConnectionStrings:releasydb</c>; the URL wins when both are set.
/// </summary>
public sealed class DatabaseOptions
{
    public const string UrlVariable = "RELEASY_DATABASE_URL";
    public const string ConnectionStringName = "releasydb";
    public const string ConnectionStringVariable = "ConnectionStrings__releasydb";
    private const uint MaxPoolSize = 1000;

    public DatabaseProvider Provider { get; set; }

    /// <summary>An Npgsql or Microsoft.Data.Sqlite connection string. It may hold a password: never log it.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    public int MaxConnections { get; set; } = 5;

    /// <summary>Migrate before serving, as the original did; off in the topology, where the worker migrates.</summary>
    public bool MigrateOnStart { get; set; }

    public static DatabaseOptions FromConfiguration(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new DatabaseOptions
        {
            MaxConnections = (int)ConfigReader.UInt32(config, "RELEASY_DATABASE_MAX_CONNECTIONS", 5, 1, MaxPoolSize),
            MigrateOnStart = ConfigReader.Boolean(config, "RELEASY_MIGRATE_ON_START", false),
        };

        var url = config[UrlVariable];
        var aspire = config.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrEmpty(url))
        {
            options.ApplyUrl(url, UrlVariable);
        }
        else if (!string.IsNullOrWhiteSpace(aspire))
        {
            options.ApplyConnectionString(aspire.Trim());
        }
        else
        {
            throw new StartupException($"missing required env var: {UrlVariable}");
        }

        return options;
    }

    private void ApplyUrl(string url, string variable)
    {
        if (url.StartsWith("postgres://", StringComparison.Ordinal) || url.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            Provider = DatabaseProvider.Postgres;
            ConnectionString = PostgresUrl.ToConnectionString(url, MaxConnections, variable);
        }
        else if (url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            Provider = DatabaseProvider.Sqlite;
            ConnectionString = SqliteUrl.ToConnectionString(url);
        }
        else
        {
            throw new StartupException($"{variable} must start with postgres:// or sqlite:");
        }
    }

    private void ApplyConnectionString(string value)
    {
        // A URL by its form: a scheme at the very start. "://" elsewhere (in a password, say) is still a
        // connection string, and a URL's error names the variable it came from.
        if (StartsWithScheme(value))
        {
            ApplyUrl(value, ConnectionStringVariable);
            return;
        }

        try
        {
            var npgsql = new NpgsqlConnectionStringBuilder(value);
            if (!string.IsNullOrEmpty(npgsql.Host))
            {
                Provider = DatabaseProvider.Postgres;
                npgsql.MaxPoolSize = MaxConnections;
                ConnectionString = npgsql.ConnectionString;
                return;
            }
        }
        catch (ArgumentException)
        {
            // Not an Npgsql connection string (SQLite keywords such as "Data Source" are unknown to Npgsql).
        }

        try
        {
            var sqlite = new SqliteConnectionStringBuilder(value) { ForeignKeys = true };
            if (!string.IsNullOrEmpty(sqlite.DataSource))
            {
                Provider = DatabaseProvider.Sqlite;
                ConnectionString = sqlite.ConnectionString;
                return;
            }
        }
        catch (ArgumentException)
        {
            // Reported below with a message that does not echo the value (it may hold a password).
        }

        throw new StartupException(
            $"{ConnectionStringVariable} must be an Npgsql connection string (Host=…) or a SQLite one (Data Source=…)");
    }

    /// <summary>RFC 3986: <c>ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"</c> at the start of the value.</summary>
    private static bool StartsWithScheme(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && char.IsAsciiLetter(value[0])
            && value[1..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }
}
