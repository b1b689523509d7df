using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Releasy.Proxy.Tests.Infrastructure;

/// <summary>
/// A tiny real Kestrel server standing in for one API instance: it echoes what reached it, counts the
/// requests by path, and its <c>/health</c> can be switched to 503.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();
    private volatile bool _healthy = true;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public string Url { get; private set; } = "";

    public IReadOnlyCollection<string> Paths => _paths;

    public int HitsOn(string path) => _paths.Count(p => p == path);

    public void SetHealthy(bool healthy) => _healthy = healthy;

    /// <summary>Stops listening, as a killed instance would: its address then refuses connections.</summary>
    public Task StopAsync() => _app.StopAsync();

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new TestBackend(name, app);
        backend.Map(app);
        await app.StartAsync();
        backend.Url = app.Urls.Single();
        return backend;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Active health probes are the proxy's business; count only what clients sent.
            if (context.Request.Path != "/health")
            {
                _paths.Enqueue(context.Request.Path.Value ?? "");
            }

            await next(context);
        });
        app.MapGet("/health", () => _healthy ? Results.Text(Name + " healthy") : Results.StatusCode(503));
        app.MapGet("/alive", () => Results.Text(Name + " alive"));
        // The API's meta routes, which the proxy forwards; the body names the instance that answered.
        app.MapMethods("/ready", ["GET", "HEAD", "POST"], () => Results.Json(new { status = "ok", backend = Name }));
        app.MapMethods("/live", ["GET", "HEAD", "POST"], () => Results.Json(new { status = "ok", backend = Name }));
        app.MapMethods("/version", ["GET", "HEAD", "POST"], () => Results.Json(new { version = "test", backend = Name }));
        app.MapGet("/openapi.json", () => Results.Json(new { backend = Name, openapi = "3.1.0" }));
        app.MapPost("/v1/upload", async (HttpRequest request) =>
        {
            var length = 0L;
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }

            return Results.Json(new { backend = Name, length });
        });
        app.Map("/v1/{**rest}", (HttpRequest request) => Results.Json(new EchoResponse(
            Name,
            request.Path.Value ?? "",
            request.Headers["X-Forwarded-For"].ToString(),
            request.Headers["X-Forwarded-Proto"].ToString(),
            request.Headers["X-Forwarded-Host"].ToString())));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record EchoResponse(string Backend, string Path, string ForwardedFor, string ForwardedProto, string ForwardedHost);
