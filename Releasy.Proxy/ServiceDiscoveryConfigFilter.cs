using System.Globalization;
using Yarp.ReverseProxy.Configuration;

namespace Releasy.Proxy;

/// <summary>
/// Resolves logical destinations such as <c>http://api</c> from Aspire's service-discovery variables
/// (<c>services__api__http__0</c>, <c>…__1</c>, …): one destination per address. It stands in for
/// Microsoft.Extensions.ServiceDiscovery.Yarp, which our package mirror lacks. YARP re-runs it on every
/// configuration reload, so a new address is picked up without a restart.
/// </summary>
public sealed class ServiceDiscoveryConfigFilter(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Destinations is null)
        {
            return ValueTask.FromResult(cluster);
        }

        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, destination) in cluster.Destinations)
        {
            if (!TryGetLogicalService(destination.Address, out var scheme, out var service))
            {
                destinations[id] = destination;
                continue;
            }

            var addresses = ResolveAddresses(service, scheme);
            if (addresses.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Cluster '{cluster.ClusterId}' destination '{id}' points at '{destination.Address}', but no address " +
                    $"is configured for service '{service}'. Set services__{service}__{scheme}__0 (and __1, … for more " +
                    $"instances), for example services__{service}__{scheme}__0=http://127.0.0.1:5000.");
            }

            for (var i = 0; i < addresses.Count; i++)
            {
                destinations[$"{id}-{i}"] = destination with { Address = addresses[i] };
            }
        }

        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);

    /// <summary>A logical address is <c>scheme://name</c>: a single-label host and no port.</summary>
    private static bool TryGetLogicalService(string address, out string scheme, out string service)
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

    private List<string> ResolveAddresses(string service, string scheme) =>
        configuration.GetSection($"services:{service}:{scheme}").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => (Index: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue, c.Value!))
            .OrderBy(c => c.Index)
            .Select(c => c.Item2.Trim())
            .ToList();
}
