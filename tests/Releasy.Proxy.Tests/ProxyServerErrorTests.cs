using Releasy.Proxy.Tests.Infrastructure;
using Releasy.Testing;

namespace Releasy.Proxy.Tests;

/// <summary>
/// Errors Kestrel answers before any middleware runs still carry the contract's envelope, with a
/// Content-Length that matches it.
/// </summary>
public sealed class ProxyServerErrorTests(ProxyServerErrorTests.Fixture fixture) : IClassFixture<ProxyServerErrorTests.Fixture>
{
    private readonly TestBackend _api = fixture.Api;
    private readonly ProxyProcess _proxy = fixture.Proxy;

    public static TheoryData<string, int, string> Requests => new()
    {
        { "GET /v1/x HTTP/1.1 junk\r\nHost: localhost\r\n\r\n", 400, """{"error":{"code":"bad_request","message":"bad request"}}""" },
        { "GET v1/x HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, """{"error":{"code":"bad_request","message":"bad request"}}""" },
        { RawHttp.Get("/v1/x", "this header has no colon"), 400, """{"error":{"code":"bad_request","message":"bad request"}}""" },
        { RawHttp.Get("/v1/x", "Bad Name: v"), 400, """{"error":{"code":"bad_request","message":"bad request"}}""" },
        { RawHttp.Get("/v1/" + new string('a', 9000)), 414, """{"error":{"code":"uri_too_long","message":"request line too long"}}""" },
        { RawHttp.Get("/v1/x", "X-Big: " + new string('a', 40 * 1024)), 431,
            """{"error":{"code":"request_header_fields_too_large","message":"request headers too large"}}""" },
        { RawHttp.Get("/v1/x", [.. Enumerable.Range(0, 120).Select(i => $"X-H{i}: v")]), 431,
            """{"error":{"code":"request_header_fields_too_large","message":"request headers too large"}}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Kestrel_errors_carry_the_error_envelope(string request, int status, string body)
    {
        var response = await RawHttp.SendAsync(new Uri(_proxy.Url), request);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        Assert.Equal(body, response.Body);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers["Content-Length"]);
        Assert.DoesNotContain(_api.Paths, p => p != "/v1/echo");
    }

    [Fact]
    public async Task A_good_request_on_the_same_listener_is_untouched()
    {
        var response = await RawHttp.SendAsync(new Uri(_proxy.Url), RawHttp.Get("/v1/echo", "Connection: close"));

        Assert.Equal(200, response.Status);
        Assert.Contains("\"path\":\"/v1/echo\"", response.Body, StringComparison.Ordinal);
    }

    /// <summary>One proxy for the class: no request here changes its state.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestBackend Api { get; private set; } = null!;

        public ProxyProcess Proxy { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Api = await TestBackend.StartAsync("a");
            Proxy = await ProxyProcess.StartAsync(new Dictionary<string, string> { ["services__api__http__0"] = Api.Url });
        }

        public async Task DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Api.DisposeAsync();
        }
    }
}
