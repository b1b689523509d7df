using System.ComponentModel.DataAnnotations;

namespace Releasy.Proxy;

/// <summary>Request size limits the proxy enforces before anything reaches the API.</summary>
public sealed class ProxyLimitsOptions
{
    public const string Section = "Proxy:Limits";

    /// <summary>Artifact uploads pass through the proxy, so this is far above the API's 2 MiB JSON limit.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestBodySize { get; set; } = 1024L * 1024 * 1024;

    [Range(1024, int.MaxValue)]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    [Range(1, 10_000)]
    public int MaxRequestHeaderCount { get; set; } = 100;
}
