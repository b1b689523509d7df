using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Releasy.Api.Tests.Jwt;

/// <summary>
/// A real identity provider's JWKS endpoint on loopback: Kestrel serving <c>{"keys":[…]}</c>, with switches to
/// rotate the keys, fail (500, 404, garbage, a hang) and a counter of the requests it received.
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private volatile JwksBehaviour _behaviour = JwksBehaviour.Serve;
    private volatile string _document = """{"keys":[]}""";
    private int _requests;

    private JwksServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Requests received so far, whatever the answer.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<JwksServer> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new JwksServer(app);
        server.Publish(keys);
        app.MapGet("/realms/releasy/protocol/openid-connect/certs", server.ServeAsync);
        await app.StartAsync();
        server.Url = app.Urls.Single() + "/realms/releasy/protocol/openid-connect/certs";
        return server;
    }

    /// <summary>Replaces the published set (key rotation).</summary>
    public void Publish(params TestSigningKey[] keys) =>
        _document = new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk).ToArray()) }.ToJsonString();

    public void Behave(JwksBehaviour behaviour) => _behaviour = behaviour;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        switch (_behaviour)
        {
            case JwksBehaviour.Serve:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(_document);
                break;
            case JwksBehaviour.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                break;
            case JwksBehaviour.NotFound:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
            case JwksBehaviour.Garbage:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("<html>sign-in page</html>");
                break;
            case JwksBehaviour.Hang:
                using (var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    await Task.Delay(Timeout.Infinite, cts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                break;
        }
    }
}

public enum JwksBehaviour
{
    Serve,
    ServerError,
    NotFound,
    Garbage,
    Hang,
}
