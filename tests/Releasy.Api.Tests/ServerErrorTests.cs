using System.Globalization;
using Releasy.Testing;

namespace Releasy.Api.Tests;

/// <summary>
/// Errors the web server answers before any middleware runs (malformed request line or header, 414, 431) carry
/// the contract's envelope (0, clarification of 2). Real Kestrel on loopback: TestServer never produces them.
/// </summary>
public sealed class ServerErrorTests(ServerErrorTests.KestrelApi fixture) : IClassFixture<ServerErrorTests.KestrelApi>
{
    private const string BadRequest = """{"error":{"code":"bad_request","message":"bad request"}}""";
    private const string HeadersTooLarge = """{"error":{"code":"request_header_fields_too_large","message":"request headers too large"}}""";

    public static TheoryData<string, int, string> Requests => new()
    {
        { "GET /v1/releases HTTP/1.1 junk\r\nHost: localhost\r\n\r\n", 400, BadRequest },
        { "GET v1/releases HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, BadRequest },
        { RawHttp.Get("/v1/releases", "this header has no colon"), 400, BadRequest },
        { RawHttp.Get("/v1/releases", "Bad Name: v"), 400, BadRequest },
        { RawHttp.Get("/v1/releases/" + new string('a', 9000)), 414, """{"error":{"code":"uri_too_long","message":"request line too long"}}""" },
        { RawHttp.Get("/v1/releases", "X-Big: " + new string('a', 40 * 1024)), 431, HeadersTooLarge },
        { RawHttp.Get("/v1/releases", [.. Enumerable.Range(0, 120).Select(i => $"X-H{i}: v")]), 431, HeadersTooLarge },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Server_errors_carry_the_error_envelope(string request, int status, string body)
    {
        var response = await RawHttp.SendAsync(fixture.Url, request);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        Assert.Equal(body, response.Body);
        Assert.Equal(body.Length.ToString(CultureInfo.InvariantCulture), response.Headers["Content-Length"]);
    }

    [Fact]
    public async Task Application_errors_on_the_same_listener_are_untouched()
    {
        var response = await RawHttp.SendAsync(fixture.Url, RawHttp.Get("/v1/releases", "Connection: close"));

        Assert.Equal(401, response.Status);
        Assert.Contains("""{"error":{"code":"unauthorized","message":"unauthorized"}}""", response.Body, StringComparison.Ordinal);
    }

    /// <summary>One API over Kestrel for the class: no request here reaches the database.</summary>
    public sealed class KestrelApi : IAsyncLifetime
    {
        private TestDatabase _database = null!;
        private ReleasyApiFactory _api = null!;

        public Uri Url { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _database = await TestDatabase.CreateAsync();
            _api = new ReleasyApiFactory(_database);
            _api.UseKestrel(0);
            _api.StartServer();
            Url = _api.CreateClient().BaseAddress!;
        }

        public async Task DisposeAsync()
        {
            await _api.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
