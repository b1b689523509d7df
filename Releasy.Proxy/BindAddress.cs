using System.Net;

namespace Releasy.Proxy;

/// <summary>
/// Parses <c>RELEASY_BIND_ADDR</c> as the contract defines it: a literal <c>IP:port</c>, IPv6 in brackets
/// (<c>[::]:8080</c>); host names and missing ports are refused.
/// </summary>
public static class BindAddress
{
    public const string Variable = "RELEASY_BIND_ADDR";
    public const string Default = "0.0.0.0:8080";

    public static bool TryParse(string? value, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrEmpty(value) || !HasExplicitPort(value) || !IPEndPoint.TryParse(value, out var parsed))
        {
            return false;
        }

        endpoint = parsed;
        return true;
    }

    public static IPEndPoint Parse(string value) =>
        TryParse(value, out var endpoint) ? endpoint : throw new FormatException($"invalid {Variable}: {value}");

    private static bool HasExplicitPort(string value)
    {
        var lastColon = value.LastIndexOf(':');
        if (lastColon <= 0 || lastColon == value.Length - 1)
        {
            return false;
        }

        // IPv6 needs brackets, otherwise "::1" would read as an address without a port.
        return value[0] == '[' ? value[lastColon - 1] == ']' : value.IndexOf(':', StringComparison.Ordinal) == lastColon;
    }
}
