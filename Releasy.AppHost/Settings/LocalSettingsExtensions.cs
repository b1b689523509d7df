using Releasy.AppHost.Postgres;

namespace Releasy.AppHost.Settings;

/// <summary>What a run on this machine uses instead of deployable resources: its database and its kept secrets.</summary>
public static class LocalSettingsExtensions
{
    public const string DatabaseUrlVariable = "RELEASY_DATABASE_URL";

    /// <summary>
    /// The database, in this order: a configured connection string or <c>RELEASY_DATABASE_URL</c> (external); a
    /// private PostgreSQL from the machine's server binaries; SQLite in the state directory. It says which.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddLocalDatabase(
        this IDistributedApplicationBuilder builder, [ResourceName] string serverName, [ResourceName] string databaseName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var state = StateDirectory.From(configuration);
        var key = $"ConnectionStrings:{databaseName}";

        if (!string.IsNullOrWhiteSpace(configuration[key]))
        {
            builder.Announce($"Database: the external PostgreSQL from ConnectionStrings__{databaseName}.");
            return builder.AddConnectionString(databaseName);
        }

        if (configuration[DatabaseUrlVariable] is { } url && !string.IsNullOrWhiteSpace(url))
        {
            // The services read a URL in ConnectionStrings__releasydb as they read RELEASY_DATABASE_URL, and say
            // what is wrong with a bad one: it travels unchanged.
            builder.Announce($"Database: the external database from {DatabaseUrlVariable}.");
            configuration[key] = url;
            return builder.AddConnectionString(databaseName);
        }

        if (PostgresBinaries.Find(configuration[PostgresBinaries.ConfigurationKey]) is { } bin)
        {
            builder.Announce($"Database: a private PostgreSQL from {bin}, data in {state.PathOf(serverName)}.");
            return builder.AddLocalPostgres(serverName, bin, state).AddDatabase(databaseName);
        }

        var path = state.PathOf($"{databaseName}.db");
        builder.Announce($"Database: no PostgreSQL server on this machine, so SQLite at {path}. " +
            $"For PostgreSQL, run `{PostgresBinaries.InstallHint}` and start again.");
        Directory.CreateDirectory(state.Root);
        configuration[key] = $"Data Source={path}";
        return builder.AddConnectionString(databaseName);
    }

    /// <summary>
    /// A secret parameter whose value is <paramref name="variable"/> when set, otherwise one generated on first run
    /// and kept in the state directory (and printed that once, so the operator can use it).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddKeptSecret(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string variable)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var state = StateDirectory.From(builder.Configuration);
        if (!string.IsNullOrEmpty(builder.Configuration[variable]))
        {
            builder.Announce($"{name}: from {variable}.");
            return builder.AddParameter(name, () => builder.Configuration[variable]!, secret: true);
        }

        var isNew = !File.Exists(state.PathOf(name));
        var value = state.GetOrCreateSecret(name);
        builder.Announce(isNew ? $"{name}: {value} (new; kept in {state.PathOf(name)})" : $"{name}: kept in {state.PathOf(name)}");
        return builder.AddParameter(name, () => value, secret: true);
    }
}
