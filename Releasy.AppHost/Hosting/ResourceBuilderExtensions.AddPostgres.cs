using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Adds a PostgreSQL server, with a generated password parameter named <c>{name}-password</c>.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddParameter($"{name}-password", $"Parameters:{name}-password", secret: true, generate: true);
        return builder.AddResource(new PostgresServerResource(name, password.Resource));
    }

    /// <summary>Adds a database, created on the server when missing.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.ApplicationBuilder.AddResource(new PostgresDatabaseResource(name, databaseName ?? name, server.Resource));
    }

    /// <summary>Adds a connection string supplied from outside through <c>ConnectionStrings:{name}</c>.</summary>
    public static IResourceBuilder<ConnectionStringResource> AddConnectionString(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ConnectionStringResource(name));
    }

    /// <summary>Adds a value read from <paramref name="configurationKey"/>; generated and kept when absent and <paramref name="generate"/> is set.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(
        this IDistributedApplicationBuilder builder, string name, string configurationKey, bool secret = false, bool generate = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configurationKey);
        return builder.AddResource(new ParameterResource(name, configurationKey, secret, generate));
    }
}
