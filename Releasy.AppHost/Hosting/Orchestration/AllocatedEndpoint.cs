using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>The address one replica's endpoint binds to, and how others reach it.</summary>
public sealed record AllocatedEndpoint(string Scheme, string BindHost, int Port)
{
    /// <summary><c>host:port</c> for a listener; IPv6 in brackets.</summary>
    public string HostAndPort => $"{Bracket(BindHost)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A URL a client on this machine can use: a wildcard bind is reached through localhost.</summary>
    public string Url => $"{Scheme}://{Bracket(ReachableHost)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string ReachableHost => BindHost is "0.0.0.0" or "::" or "*" ? "localhost" : BindHost;

    public static int FreePort(string host)
    {
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Bracket(string host) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
}
