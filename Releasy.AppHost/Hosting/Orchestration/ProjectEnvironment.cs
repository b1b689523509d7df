using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// The environment one replica of a project starts with: its environment callbacks resolved, where to listen,
/// and Aspire's OpenTelemetry variables (the exporter only when the AppHost itself has an OTLP endpoint).
/// </summary>
public sealed class ProjectEnvironment(RuntimeValues values, IConfiguration configuration, string runId)
{
    public RuntimeValues Values => values;

    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public IReadOnlyDictionary<string, string> For(IResource resource, int replica)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            // Health probes every few seconds would drown the output; a callback may still override this.
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (name, value) in resource.EvaluateEnvironment(DistributedApplicationOperation.Run, configuration).EnvironmentVariables)
        {
            environment[name] = values.Resolve(value);
        }

        var urls = new List<string>();
        foreach (var endpoint in resource.GetEndpoints())
        {
            var allocated = values.Endpoints.Get(resource, endpoint.Name, replica);
            if (endpoint.EnvironmentVariable is { } variable)
            {
                environment[variable] = allocated.HostAndPort;
            }
            else
            {
                urls.Add($"{allocated.Scheme}://{allocated.HostAndPort}");
            }
        }

        if (urls.Count > 0)
        {
            environment["ASPNETCORE_URLS"] = string.Join(';', urls);
        }

        environment["OTEL_SERVICE_NAME"] = resource.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.InstanceName(replica)}-{runId}";
        if (configuration[OtlpEndpoint] is { Length: > 0 } otlp)
        {
            environment[OtlpEndpoint] = otlp;
            environment[OtlpProtocol] = configuration[OtlpProtocol] is { Length: > 0 } protocol ? protocol : "grpc";
        }

        return environment;
    }
}
