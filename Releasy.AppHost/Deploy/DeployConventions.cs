using System.Globalization;

namespace Releasy.AppHost.Deploy;

/// <summary>What every target agrees on: accounts, health routes, writable directories and addresses of services.</summary>
public static class DeployConventions
{
    public const string GeneratedHeader =
        "# Generated from the Releasy app model by Releasy.AppHost (README: Deploy). Do not edit: change the model and regenerate.\n";

    // ServiceDefaults maps both routes in every service with an HTTP endpoint: /health runs every check (ready),
    // /alive only the liveness ones.
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    // A web service drains for 12 s after SIGTERM (/health turns 503 while it keeps serving), then gives requests in
    // flight up to 15 s (ServiceDefaults' ShutdownDrain); the platform must wait that long before it kills it.
    public const int ServiceStopSeconds = 12 + 15;

    // The .NET images' non-root account ($APP_UID), and the postgres account of the official PostgreSQL image.
    public const int AppUserId = 1654;
    public const int PostgresUserId = 999;

    public static int UserId(DeployService service) => service switch
    {
        { IsProject: true } => AppUserId,
        { DatabaseServer: not null } => PostgresUserId,
        _ => throw new DistributedApplicationException($"deployment files: no non-root account is known for '{service.Name}'"),
    };

    /// <summary>Writable directories of a read-only root filesystem, emptied at each start.</summary>
    public static IEnumerable<string> ScratchDirectories(DeployService service) =>
        service.DatabaseServer is null ? ["/tmp"] : ["/tmp", "/var/run/postgresql"];

    /// <summary>The health probe as a command inside the container.</summary>
    public static IReadOnlyList<string> HealthCommand(DeployService service)
    {
        if (service.DatabaseServer is { } server)
        {
            // Over TCP: during initialisation the image's temporary server listens on the socket only.
            return ["pg_isready", "-h", "127.0.0.1", "-U", server.User, "-d", SingleDatabase(service, server)];
        }

        var http = service.Http ?? throw new DistributedApplicationException($"deployment files: '{service.Name}' has a health check but no HTTP endpoint");
        return ["wget", "-q", "-O", "/dev/null", $"http://127.0.0.1:{http.Port}{HealthPath}"];
    }

    public static string SingleDatabase(DeployService service, DeployDatabaseServer server) =>
        server.Databases is [var database] ? database
            : throw new DistributedApplicationException($"deployment files: '{service.Name}' must hold exactly one database (it has {server.Databases.Count})");

    /// <summary>The URL of the public endpoint is where clients reach it, not an address inside the deployment.</summary>
    public static bool IsPublicUrl(DeployTopology topology, EndpointPart part) =>
        part.Property == EndpointProperty.Url && Endpoint(topology, part).External;

    /// <summary>An endpoint inside the deployment: the service's DNS name and the port it listens on.</summary>
    public static string InternalAddress(DeployTopology topology, EndpointPart part)
    {
        var endpoint = Endpoint(topology, part);
        var port = endpoint.Port.ToString(CultureInfo.InvariantCulture);
        return part.Property switch
        {
            EndpointProperty.Url => $"{endpoint.Scheme}://{part.Resource}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => part.Resource,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{part.Resource}:{port}",
            EndpointProperty.Scheme => endpoint.Scheme,
            _ => throw new DistributedApplicationException($"deployment files: endpoint property {part.Property} cannot be translated"),
        };
    }

    private static DeployEndpoint Endpoint(DeployTopology topology, EndpointPart part) =>
        topology[part.Resource].Endpoints.SingleOrDefault(e => e.Name == part.Endpoint)
            ?? throw new DistributedApplicationException($"deployment files: '{part.Resource}' has no endpoint '{part.Endpoint}'");
}
