using System.ComponentModel.DataAnnotations;

namespace Releasy.Proxy;

/// <summary>
/// A fixed window per caller (API key prefix, admin key, operator subject, else client address), applied to the
/// proxied routes only. See <see cref="ProxyRateLimiting"/>.
/// </summary>
public sealed class ProxyRateLimitOptions
{
    public const string Section = "Proxy:RateLimit";
    public const string PolicyName = "per-client";

    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 10;
}
