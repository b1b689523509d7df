namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>
/// An endpoint the resource listens on. <see cref="Port"/> null or 0 means a free port chosen at run time.
/// Internal endpoints bind to loopback; <see cref="IsExternal"/> ones to <see cref="TargetHost"/>.
/// <see cref="EnvironmentVariable"/>, when set, receives <c>host:port</c> instead of ASPNETCORE_URLS.
/// </summary>
public sealed class EndpointAnnotation(string name, string scheme, int? port, string targetHost, string? environmentVariable)
    : IResourceAnnotation
{
    public string Name { get; } = name;

    public string Scheme { get; } = scheme;

    public int? Port { get; } = port;

    public string TargetHost { get; } = targetHost;

    public string? EnvironmentVariable { get; } = environmentVariable;

    /// <summary>Mutable on purpose, like Aspire's: WithExternalHttpEndpoints flips it on existing endpoints.</summary>
    public bool IsExternal { get; set; }
}
