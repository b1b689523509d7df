namespace Releasy.Proxy;

/// <summary>
/// Refuses to start when a cluster destination names a service (<c>http://api</c>) that has no address in
/// Aspire's service-discovery variables (<c>services__api__http__0</c>, <c>…__1</c>, …). Service discovery
/// would otherwise fall back to looking the bare name up in DNS, and the proxy would answer 502 to everything.
/// </summary>
public static class ServiceAddressCheck
{
    public static void ThrowIfUnconfigured(IConfiguration configuration, IConfigurationSection proxyConfig)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(proxyConfig);
        foreach (var cluster in proxyConfig.GetSection("Clusters").GetChildren())
        {
            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                var address = destination["Address"];
                if (TryGetLogicalService(address, out var scheme, out var service) &&
                    !configuration.GetSection($"services:{service}:{scheme}").GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value)))
                {
                    throw new InvalidOperationException(
                        $"Cluster '{cluster.Key}' destination '{destination.Key}' points at '{address}', but no address " +
                        $"is configured for service '{service}'. Set services__{service}__{scheme}__0 (and __1, … for more " +
                        $"instances), for example services__{service}__{scheme}__0=http://127.0.0.1:5000.");
                }
            }
        }
    }

    /// <summary>A logical address is <c>scheme://name</c>: a single-label host and no port.</summary>
    private static bool TryGetLogicalService(string? address, out string scheme, out string service)
    {
        scheme = service = "";
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !uri.IsDefaultPort ||
            uri.HostNameType != UriHostNameType.Dns || uri.Host.Contains('.', StringComparison.Ordinal) ||
            uri.IsLoopback || uri.AbsolutePath != "/")
        {
            return false;
        }

        scheme = uri.Scheme;
        service = uri.Host;
        return true;
    }
}
