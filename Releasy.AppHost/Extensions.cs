using System.Net;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost;

/// <summary>Releasy-specific wiring, kept out of Program.cs so it stays a bill of materials.</summary>
public static class Extensions
{
    public const string BindAddressVariable = "RELEASY_BIND_ADDR";
    public const string DefaultBindAddress = "0.0.0.0:8080";

    /// <summary>
    /// The proxy listens on <c>RELEASY_BIND_ADDR</c> from the AppHost's configuration (default 0.0.0.0:8080; port 0
    /// picks a free one) and receives it under the same name. No other resource ever gets this variable.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicHttpEndpoint(this IResourceBuilder<ProjectResource> proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var value = proxy.ApplicationBuilder.Configuration[BindAddressVariable] ?? DefaultBindAddress;
        if (!value.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(value, out var endpoint))
        {
            throw new DistributedApplicationException($"invalid {BindAddressVariable}: {value}");
        }

        return proxy.WithHttpEndpoint(port: endpoint.Port, env: BindAddressVariable, targetHost: endpoint.Address.ToString());
    }

    /// <summary>Every RELEASY_* setting of the AppHost reaches the resource unchanged, except the proxy's bind address.</summary>
    public static IResourceBuilder<ProjectResource> WithReleasyPassthrough(this IResourceBuilder<ProjectResource> resource) =>
        resource.WithEnvironment(context =>
        {
            // A deployment sets its own values: the manifest never carries the operator's local settings.
            if (!context.IsRunMode)
            {
                return;
            }

            foreach (var (key, value) in context.Configuration.AsEnumerable())
            {
                if (key.StartsWith("RELEASY_", StringComparison.Ordinal) && !key.Contains(':', StringComparison.Ordinal) &&
                    key != BindAddressVariable && value is not null)
                {
                    context.EnvironmentVariables[key] = value;
                }
            }
        });

    /// <summary>
    /// The API's settings: the admin key, its public base URL (the proxy's, unless configured), the embedded
    /// artifact store under the state directory when no S3 bucket is configured, and the RELEASY_* pass-through.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReleasySettings(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> adminKey, IResourceBuilder<ProjectResource> proxy)
    {
        ArgumentNullException.ThrowIfNull(api);
        var publicUrl = proxy.GetEndpoint();
        return api.WithReleasyPassthrough()
            .WithEnvironment("RELEASY_ADMIN_API_KEY", adminKey)
            .WithEnvironment(context =>
            {
                if (string.IsNullOrWhiteSpace(context.Configuration["RELEASY_PUBLIC_BASE_URL"]) || !context.IsRunMode)
                {
                    context.EnvironmentVariables["RELEASY_PUBLIC_BASE_URL"] = publicUrl;
                }

                if (context.IsRunMode && string.IsNullOrWhiteSpace(context.Configuration["RELEASY_ARTIFACT_BUCKET"]) &&
                    string.IsNullOrWhiteSpace(context.Configuration["RELEASY_ARTIFACT_DIR"]))
                {
                    context.EnvironmentVariables["RELEASY_ARTIFACT_DIR"] = StateDirectory.From(context.Configuration).PathOf("artifacts");
                }
            });
    }
}
