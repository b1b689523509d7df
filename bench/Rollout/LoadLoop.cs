using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Releasy.Bench.Rollout;

/// <summary>One request of the load: what it was, when it started, how long it took, and whether it got the status it expects.</summary>
internal sealed record Sample(string Kind, long Started, double Milliseconds, int Status, string? Error, bool Ok);

/// <summary>
/// A bounded, loopback-only load through the proxy: a few workers, each sending one request at a time with a short
/// pause, in a fixed mix of customer reads (<c>GET /v1/releases</c>, <c>GET /v1/downloads/{token}</c>) and idempotent
/// writes (<c>POST /v1/admin/customers</c> and <c>POST /v1/downloads/token</c>, each with an <c>Idempotency-Key</c>).
/// Nothing is retried: a connection error or an unexpected status is a failed request.
/// </summary>
internal sealed class LoadLoop(Uri proxy, string adminKey, Seed seed, string run, int workers, TimeSpan pause)
{
    private readonly ConcurrentQueue<Sample> _samples = new();

    public ConcurrentQueue<string> AcknowledgedCustomers { get; } = new();

    public ConcurrentQueue<string> AcknowledgedTokens { get; } = new();

    public IReadOnlyCollection<Sample> Samples => _samples;

    public string CustomerNamePrefix => $"rollout-{run}-load-";

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None)));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = proxy, Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"{run}-{worker}-{i}";
            var (kind, expected, request) = ((i + worker) % 4) switch
            {
                0 => ("GET /v1/releases", HttpStatusCode.OK, Customer(new HttpRequestMessage(HttpMethod.Get, "/v1/releases"))),
                1 => ("GET /v1/downloads/{token}", HttpStatusCode.Found, new HttpRequestMessage(HttpMethod.Get, seed.DownloadPath)),
                2 => ("POST /v1/admin/customers", HttpStatusCode.OK, Idempotent(Admin(Post("/v1/admin/customers", new { name = CustomerNamePrefix + key })), key)),
                _ => ("POST /v1/downloads/token", HttpStatusCode.OK, Idempotent(Customer(Post("/v1/downloads/token", new { artifact_id = seed.ArtifactId, expires_in_seconds = 600 })), key)),
            };
            await SendAsync(http, kind, expected, request);
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(HttpClient http, string kind, HttpStatusCode expected, HttpRequestMessage request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync();
            var ok = response.StatusCode == expected;
            if (ok && request.Method == HttpMethod.Post)
            {
                Acknowledge(kind, body);
            }

            Record(kind, started, (int)response.StatusCode, ok ? null : Shorten(body), ok);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Record(kind, started, 0, ex.GetType().Name + ": " + ex.Message, false);
        }
        finally
        {
            request.Dispose();
        }
    }

    private void Acknowledge(string kind, string body)
    {
        using var json = JsonDocument.Parse(body);
        if (kind.Contains("customers", StringComparison.Ordinal))
        {
            AcknowledgedCustomers.Enqueue(json.RootElement.GetProperty("id").GetString()!);
        }
        else
        {
            AcknowledgedTokens.Enqueue(new Uri(json.RootElement.GetProperty("download_url").GetString()!).AbsolutePath);
        }
    }

    private void Record(string kind, long started, int status, string? error, bool ok) =>
        _samples.Enqueue(new Sample(kind, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status, error, ok));

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;

    private static HttpRequestMessage Post(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };

    private HttpRequestMessage Customer(HttpRequestMessage request)
    {
        request.Headers.Add("x-releasy-api-key", seed.ApiKey);
        return request;
    }

    private HttpRequestMessage Admin(HttpRequestMessage request)
    {
        request.Headers.Add("x-releasy-admin-key", adminKey);
        return request;
    }

    private static HttpRequestMessage Idempotent(HttpRequestMessage request, string key)
    {
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
