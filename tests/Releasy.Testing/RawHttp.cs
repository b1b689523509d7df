using System.Net.Sockets;
using System.Text;

namespace Releasy.Testing;

/// <summary>
/// Sends bytes no HTTP client would produce (a broken request line, a header without a colon, an oversized head)
/// over a plain TCP connection and reads the answer until the server closes it.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything; the answer is what counts.
        }

        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the response (unread request bytes) still leaves the response complete.
        }

        return RawResponse.Parse(Encoding.Latin1.GetString(received.ToArray()));
    }

    /// <summary>A request for <paramref name="target"/> with the given extra header lines.</summary>
    public static string Get(string target, params string[] headers) =>
        $"GET {target} HTTP/1.1\r\nHost: localhost\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawResponse Parse(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            throw new InvalidOperationException($"Not an HTTP response: '{text}'");
        }

        var lines = text[..headEnd].Split("\r\n");
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, text[(headEnd + 4)..]);
    }
}
