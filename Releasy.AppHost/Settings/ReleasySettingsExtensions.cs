using System.Net;
using Microsoft.Extensions.Configuration;

namespace Releasy.AppHost.Settings;

/// <summary>How the AppHost's <c>RELEASY_*</c> settings reach the services.</summary>
public static class ReleasySettingsExtensions
{
    public const string BindAddressVariable = "RELEASY_BIND_ADDR";
    public const string DefaultBindAddress = "0.0.0.0:8080";
    public const string DrainVariable = "RELEASY_SHUTDOWN_DRAIN_SECONDS";
    private const int PublishedPort = 8080;

    // Not passed through: the proxy alone binds, and the database reaches the services as ConnectionStrings__*.
    private static readonly HashSet<string> NotPassedThrough = [BindAddressVariable, LocalSettingsExtensions.DatabaseUrlVariable];

    /// <summary>
    /// The proxy's one public endpoint. In run mode it listens where <c>RELEASY_BIND_ADDR</c> says (default
    /// 0.0.0.0:8080; port 0 takes a free one), itself and without an orchestrator proxy in front; in a deployment it
    /// listens on every interface, port 8080, behind the platform's ingress.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicHttpEndpoint(this IResourceBuilder<ProjectResource> proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var bind = proxy.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? new IPEndPoint(IPAddress.Any, PublishedPort)
            : ParseBindAddress(proxy.ApplicationBuilder.Configuration[BindAddressVariable] ?? DefaultBindAddress);

        proxy
            .WithHttpEndpoint(port: bind.Port, targetPort: bind.Port, isProxied: false)
            .WithEndpointsInEnvironment(_ => false)
            .WithEnvironment(BindAddressVariable, bind.ToString())
            .WithExternalHttpEndpoints();

        // The local proxy is the only entry: while it drained, nothing else would take its traffic.
        return proxy.ApplicationBuilder.ExecutionContext.IsRunMode ? proxy.WithEnvironment(DrainVariable, "0") : proxy;
    }

    /// <summary>
    /// The API's settings: the admin key; its public base URL, the proxy's unless configured; in run mode, every
    /// <c>RELEASY_*</c> setting of the AppHost, and the embedded artifact store in the state directory when no
    /// bucket or directory is configured. A published manifest carries none of this machine's values.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReleasySettings(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> adminKey, IResourceBuilder<ProjectResource> proxy)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(proxy);
        var publicUrl = proxy.GetEndpoint("http");
        return api
            .WithEnvironment("RELEASY_ADMIN_API_KEY", adminKey)
            .WithEnvironment(context =>
            {
                var configuration = api.ApplicationBuilder.Configuration;
                if (context.ExecutionContext.IsPublishMode)
                {
                    context.EnvironmentVariables["RELEASY_PUBLIC_BASE_URL"] = publicUrl;
                    return;
                }

                // The API reads RELEASY_BIND_ADDR before ASPNETCORE_URLS, and would otherwise inherit the proxy's.
                context.EnvironmentVariables[BindAddressVariable] = ReferenceExpression.Create(
                    $"127.0.0.1:{api.GetEndpoint("http").Property(EndpointProperty.TargetPort)}");

                // Rollouts take an instance out of the proxy's rotation before they stop it, and the orchestrator
                // kills a slow stop: a short drain, so the write-behind queues flush in time. RELEASY_* settings win.
                context.EnvironmentVariables[DrainVariable] = "2";

                foreach (var (key, value) in configuration.AsEnumerable())
                {
                    if (key.StartsWith("RELEASY_", StringComparison.Ordinal) && !key.Contains(':', StringComparison.Ordinal) &&
                        !NotPassedThrough.Contains(key) && value is not null)
                    {
                        context.EnvironmentVariables[key] = value;
                    }
                }

                if (string.IsNullOrWhiteSpace(configuration["RELEASY_PUBLIC_BASE_URL"]))
                {
                    context.EnvironmentVariables["RELEASY_PUBLIC_BASE_URL"] = publicUrl;
                }

                if (string.IsNullOrWhiteSpace(configuration["RELEASY_ARTIFACT_BUCKET"]) && string.IsNullOrWhiteSpace(configuration["RELEASY_ARTIFACT_DIR"]))
                {
                    context.EnvironmentVariables["RELEASY_ARTIFACT_DIR"] = StateDirectory.From(configuration).PathOf("artifacts");
                }
            });
    }

    private static IPEndPoint ParseBindAddress(string value)
    {
        if (!value.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(value, out var endpoint))
        {
            throw new DistributedApplicationException($"invalid {BindAddressVariable}: {value}");
        }

        if (endpoint.Port == 0)
        {
            // A free port now: the endpoint is not proxied, so the proxy must be told a real one.
            using var probe = new System.Net.Sockets.TcpListener(endpoint.Address, 0);
            probe.Start();
            endpoint.Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        return endpoint;
    }
}
