using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    public const string Loopback = "127.0.0.1";

    /// <summary>
    /// Adds an http endpoint. No port (or 0) means a free one at run time. <paramref name="targetHost"/> is the
    /// address an external endpoint binds to; internal endpoints always bind to loopback. With
    /// <paramref name="env"/> the resource gets <c>host:port</c> in that variable instead of ASPNETCORE_URLS.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, string name = "http", string? env = null, string targetHost = Loopback)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 0 and 65535.");
        }

        if (builder.Resource.FindEndpoint(name) is not null)
        {
            throw new InvalidOperationException($"The '{builder.Resource.Name}' resource already has an endpoint named '{name}'.");
        }

        return builder.WithAnnotation(new EndpointAnnotation(name, "http", port is 0 ? null : port, targetHost, env));
    }

    /// <summary>Makes the resource's http endpoints reachable from outside the machine.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoints = builder.Resource.GetEndpoints().Where(e => e.Scheme is "http" or "https").ToList();
        if (endpoints.Count == 0)
        {
            throw new InvalidOperationException(
                $"The '{builder.Resource.Name}' resource has no http endpoint to expose; call WithHttpEndpoint() first.");
        }

        endpoints.ForEach(e => e.IsExternal = true);
        return builder;
    }

    public static EndpointReference GetEndpoint<T>(
        this IResourceBuilder<T> builder, string name = "http", EndpointProperty property = EndpointProperty.Url)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Resource.FindEndpoint(name) is null
            ? throw new InvalidOperationException($"The '{builder.Resource.Name}' resource has no endpoint named '{name}'.")
            : new EndpointReference(builder.Resource, name, property);
    }
}
