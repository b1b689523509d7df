using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Releasy.AppHost.Settings;

namespace Releasy.AppHost.Postgres;

/// <summary>
/// <c>AddLocalPostgres</c> and its <c>AddDatabase</c>: PostgreSQL from the machine's server binaries, shaped like
/// Aspire's own PostgreSQL integration (a health check per resource, databases created once the server is ready).
/// </summary>
public static class LocalPostgresBuilderExtensions
{
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string binDirectory, StateDirectory state)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(state);
        // The password must match the one the cluster was initialised with, so it is kept with the data.
        var password = builder.AddParameter($"{name}-password", () => state.GetOrCreateSecret($"{name}-password"), secret: true);
        var script = Path.Combine(AppContext.BaseDirectory, "Postgres", "postgres-run.sh");
        var server = new LocalPostgresResource(name, script, state.Root, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (e, ct) =>
            CreateDatabasesAsync(server, connectionString!, e.Services, ct));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => $"{connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")};Database=postgres",
            name: healthCheck);

        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(script);
                context.Args.Add(binDirectory);
                context.Args.Add(state.PathOf(name, "data"));
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithEnvironment("RELEASY_POSTGRES_PASSWORD", password)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases[name] = database.DatabaseName;

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheck = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."), name: healthCheck);

        return builder.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.Waiting, Properties = [] })
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Creates each missing database, then marks it running: the orchestrator gives a container's children their
    /// parent's state, but not an executable's, and <c>WaitFor(database)</c> waits for that state.
    /// </summary>
    private static async Task CreateDatabasesAsync(LocalPostgresResource server, string connectionString, IServiceProvider services, CancellationToken ct)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var model = services.GetRequiredService<DistributedApplicationModel>();
        await using var connection = new NpgsqlConnection($"{connectionString};Database=postgres");
        await connection.OpenAsync(ct).ConfigureAwait(false);
        foreach (var database in model.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
            {
                exists.Parameters.Add(new NpgsqlParameter { Value = database.DatabaseName });
                if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    var quoted = $"\"{database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running }).ConfigureAwait(false);
        }
    }
}
