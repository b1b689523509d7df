using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Releasy.Testing;

namespace Releasy.Api.Tests.Lifecycle;

/// <summary>
/// SIGTERM on the real API process: readiness 503 during the drain while requests are still served, then the
/// listener closes, the request that was in flight before the signal completes, and the process exits 0.
/// The drain runs on the real clock here (a process has no fake one): long enough for the probes in it on a busy machine.
/// </summary>
public sealed class ShutdownProcessTests
{
    private const string AdminKey = "process-admin-key";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_drains_then_finishes_the_request_in_flight_and_exits_0()
    {
        await using var database = await TestDatabase.CreateAsync();
        var port = FreePort.Next();
        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = database.ConnectionString,
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{port}",
            ["RELEASY_ADMIN_API_KEY"] = AdminKey,
            [ShutdownDrainOptions.DrainVariable] = "20",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.ConnectionClose = true; // Every probe on a new connection, as a new client would.
        http.DefaultRequestHeaders.Add("x-releasy-admin-key", AdminKey);
        await WithOutputAsync(api, () => Eventually.UntilAsync(() => Status(http, "/health", api), s => s == HttpStatusCode.OK, "the API to become healthy", Timeout));

        // Started before the signal: the server has taken the request (it asked for the body with 100 Continue).
        using var inFlight = await StartPostAsync(port, "/v1/admin/customers");
        api.Terminate();

        await Eventually.UntilAsync(() => Status(http, "/health", api), s => s == HttpStatusCode.ServiceUnavailable, "/health to turn 503", Timeout);
        var ready = await http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/admin/customers",
            new StringContent("""{"name":"during the drain"}""", Encoding.UTF8, "application/json"))).StatusCode);

        // After the drain the listener closes, but the process waits for the request it still holds.
        await Eventually.UntilAsync(() => Refused(http), refused => refused, "the listener to close after the drain", Timeout);
        Assert.False(api.HasExited, "the API exited with a request in flight");

        var response = await inFlight.FinishAsync("""{"name":"in flight at shutdown"}""");
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Equal(0, await api.WaitForExitAsync(Timeout));
        Assert.Contains("draining for 20 s", api.Output, StringComparison.Ordinal);
        await using var db = database.CreateContext();
        Assert.Equal(2, await db.Customers.CountAsync(c => c.Name == "in flight at shutdown" || c.Name == "during the drain"));
    }

    private static async Task<HttpStatusCode?> Status(HttpClient http, string path, ServiceProcess api)
    {
        Assert.False(api.HasExited, api.Output);
        return (await http.GetAsync(path)).StatusCode;
    }

    private static async Task WithOutputAsync(ServiceProcess api, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Output:\n{api.Output}", ex);
        }
    }

    private static async Task<bool> Refused(HttpClient http)
    {
        try
        {
            await http.GetAsync("/live");
            return false;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    /// <summary>
    /// Sends a request's head (chunked, <c>Expect: 100-continue</c>) and returns once the server asks for the body.
    /// The body then trickles in as JSON whitespace, fast enough for Kestrel's minimum data rate, until finished.
    /// </summary>
    private static async Task<PendingRequest> StartPostAsync(int port, string path)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-releasy-admin-key: {AdminKey}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var interim = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 100", interim, StringComparison.Ordinal);
        return new PendingRequest(tcp);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, timeout.Token) == 0)
            {
                throw new IOException("The server closed the connection: " + text);
            }

            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }

    private sealed class PendingRequest : IDisposable
    {
        private static readonly byte[] Whitespace = Chunk(new string(' ', 512));
        private readonly TcpClient _tcp;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _trickle;

        public PendingRequest(TcpClient tcp)
        {
            _tcp = tcp;
            _trickle = TrickleAsync(tcp.GetStream(), _stop.Token);
        }

        /// <summary>Sends the rest of the body and reads the whole response (the server closes as it stops).</summary>
        public async Task<string> FinishAsync(string json)
        {
            await _stop.CancelAsync();
            await _trickle;
            var stream = _tcp.GetStream();
            await stream.WriteAsync(Chunk(json));
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            using var timeout = new CancellationTokenSource(Timeout);
            using var received = new MemoryStream();
            await stream.CopyToAsync(received, timeout.Token);
            return Encoding.UTF8.GetString(received.ToArray());
        }

        public void Dispose()
        {
            _stop.Cancel();
            _tcp.Dispose();
            _stop.Dispose();
        }

        private static async Task TrickleAsync(NetworkStream stream, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync(Whitespace, CancellationToken.None);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private static byte[] Chunk(string text)
        {
            var data = Encoding.UTF8.GetBytes(text);
            return [.. Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), .. data, .. "\r\n"u8.ToArray()];
        }
    }
}
