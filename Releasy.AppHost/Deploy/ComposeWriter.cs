using System.Text;
using static Releasy.AppHost.Deploy.Yaml;

namespace Releasy.AppHost.Deploy;

/// <summary>
/// One host with Docker Compose: every service of the model, started in dependency order with real conditions
/// (a one-shot task must succeed, a service with a health check must be healthy), only the public endpoint
/// published, secrets interpolated from an env file that the operator writes (<c>.env.example</c> names them).
/// </summary>
public static class ComposeWriter
{
    public const string PublicUrlVariable = "RELEASY_PUBLIC_URL";
    public const string PublicPortVariable = "RELEASY_PUBLIC_PORT";
    public const string DefaultPublicUrl = "http://localhost:8080";

    public static string Write(DeployTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var services = Map();
        foreach (var service in topology.Services)
        {
            services.Add(service.Name, Service(topology, service));
        }

        var volumes = Map();
        foreach (var volume in topology.Services.SelectMany(s => s.Volumes))
        {
            volumes.Add(volume.Name, Map());
        }

        return Yaml.Write(DeployConventions.GeneratedHeader + "# Secrets and settings: .env next to this file (see .env.example).\n",
            Map(("services", services), ("volumes", volumes.Count > 0 ? volumes : null)));
    }

    /// <summary>The env file's template: every variable the Compose file interpolates, secrets left empty.</summary>
    public static string WriteEnvExample(DeployTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var text = new StringBuilder()
            .Append(DeployConventions.GeneratedHeader)
            .Append("# Copy to .env next to docker-compose.yaml and fill it in; never commit .env.\n")
            .Append("# Secrets: generate each one with `openssl rand -hex 32`. Hex keeps them URL-safe, since some are also\n")
            .Append("# used inside URLs.\n");
        foreach (var secret in topology.Secrets)
        {
            text.Append(secret.Variable).Append("=\n");
        }

        return text
            .Append("# The proxy's published port, and the URL clients reach it at (download and upload links use it).\n")
            .Append(PublicPortVariable).Append("=8080\n")
            .Append(PublicUrlVariable).Append('=').Append(DefaultPublicUrl).Append('\n')
            .Append("# The images, as built from deploy/docker/ and pushed.\n")
            .Append("RELEASY_IMAGE_PREFIX=releasy\n")
            .Append("RELEASY_IMAGE_TAG=latest\n")
            .Append("# Optional: an OTLP collector for logs, traces and metrics (empty: no export).\n")
            .Append("OTEL_EXPORTER_OTLP_ENDPOINT=\n")
            .ToString();
    }

    private static Dictionary<string, object> Service(DeployTopology topology, DeployService service)
    {
        var environment = Map();
        foreach (var variable in service.Environment)
        {
            environment.Add(variable.Name, variable.Value.Render(part => Render(topology, part)));
        }

        if (service.IsProject)
        {
            environment.Add("OTEL_SERVICE_NAME", service.Name);
            environment.Add("OTEL_EXPORTER_OTLP_ENDPOINT", "${OTEL_EXPORTER_OTLP_ENDPOINT:-}");
        }

        if (service.DatabaseServer is { } server)
        {
            environment.Add("POSTGRES_DB", DeployConventions.SingleDatabase(service, server));
        }

        var dependsOn = Map();
        foreach (var dependency in service.DependsOn)
        {
            dependsOn.Add(dependency.Service, Map(("condition", dependency.Condition switch
            {
                StartCondition.Completed => "service_completed_successfully",
                StartCondition.Healthy => "service_healthy",
                _ => "service_started",
            })));
        }

        var http = service.Http;
        return Map(
            ("image", service.IsProject
                ? $"${{RELEASY_IMAGE_PREFIX:-releasy}}/{service.Name}:${{RELEASY_IMAGE_TAG:-latest}}"
                : service.Image),
            ("build", service.IsProject
                ? Map(("context", "../.."), ("dockerfile", $"deploy/docker/{service.Name}.Dockerfile"))
                : null),
            ("user", $"{DeployConventions.UserId(service)}:{DeployConventions.UserId(service)}"),
            ("read_only", true),
            ("tmpfs", DeployConventions.ScratchDirectories(service).ToList()),
            ("environment", environment.Count > 0 ? environment : null),
            ("volumes", service.Volumes.Count > 0 ? service.Volumes.Select(v => $"{v.Name}:{v.Target}").ToList() : null),
            ("expose", !service.IsPublic && service.Endpoints.Count > 0 ? service.Endpoints.Select(e => e.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList() : null),
            ("ports", service.IsPublic && http is not null ? new List<string> { $"${{{PublicPortVariable}:-{http.Port}}}:{http.Port}" } : null),
            ("depends_on", dependsOn.Count > 0 ? dependsOn : null),
            ("healthcheck", HealthCheck(service)),
            ("stop_grace_period", service.IsProject && http is not null ? $"{DeployConventions.ServiceStopSeconds + 3}s" : null),
            ("restart", topology.RunsToCompletion(service) ? "no" : "unless-stopped"));
    }

    private static Dictionary<string, object>? HealthCheck(DeployService service)
    {
        if (!service.HasHealthCheck)
        {
            return null;
        }

        var test = DeployConventions.HealthCommand(service);
        return Map(("test", (List<string>)["CMD", .. test]), ("interval", "5s"), ("timeout", "3s"), ("retries", 12), ("start_period", "20s"));
    }

    private static string Render(DeployTopology topology, ValuePart part) => part switch
    {
        TextPart text => text.Text.Replace("$", "$$", StringComparison.Ordinal),
        SecretPart secret => $"${{{secret.Variable}}}",
        EndpointPart endpoint when DeployConventions.IsPublicUrl(topology, endpoint) => $"${{{PublicUrlVariable}:-{DefaultPublicUrl}}}",
        EndpointPart endpoint => DeployConventions.InternalAddress(topology, endpoint),
        _ => throw new InvalidOperationException(part.GetType().Name),
    };
}
