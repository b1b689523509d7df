using System.Net;

namespace Releasy.Api.Options;

/// <summary>
/// The listen address: <c>RELEASY_BIND_ADDR</c> (a literal <c>IP:port</c>) when set, else the host's own
/// <c>ASPNETCORE_URLS</c> (as an Aspire AppHost sets it), else the contract's <c>0.0.0.0:8080</c>.
/// </summary>
public static class BindAddress
{
    public const string Variable = "RELEASY_BIND_ADDR";
    public const string Default = "0.0.0.0:8080";

    public static string? ResolveUrl(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var raw = config[Variable];
        if (raw is null)
        {
            var hostUrls = config["urls"] ?? config["ASPNETCORE_URLS"] ?? config["http_ports"] ?? config["ASPNETCORE_HTTP_PORTS"];
            return string.IsNullOrEmpty(hostUrls) ? ToUrl(IPEndPoint.Parse(Default)) : null;
        }

        return IPEndPoint.TryParse(raw, out var endpoint) && raw.Contains(':', StringComparison.Ordinal)
            && (raw.StartsWith('[') || !raw.Contains("::", StringComparison.Ordinal))
            ? ToUrl(endpoint)
            : throw new StartupException($"invalid RELEASY_BIND_ADDR: {raw}");
    }

    private static string ToUrl(IPEndPoint endpoint) => $"http://{endpoint}";
}
