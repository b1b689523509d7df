using System.Net;
using System.Net.Sockets;

namespace Releasy.Testing;

public static class FreePort
{
    /// <summary>Asks the kernel for a free loopback port; the tiny race before reuse is acceptable in tests.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
