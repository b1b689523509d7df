using System.ComponentModel.DataAnnotations;

namespace Releasy.Proxy;

/// <summary>A fixed window per client IP address, applied to the proxied routes only.</summary>
public sealed class ProxyRateLimitOptions
{
    public const string Section = "Proxy:RateLimit";
    public const string PolicyName = "per-client";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 10;
}
