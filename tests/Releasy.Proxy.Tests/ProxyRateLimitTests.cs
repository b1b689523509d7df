using System.Net;
using System.Net.Sockets;
using System.Text;
using Releasy.Proxy.Tests.Infrastructure;

namespace Releasy.Proxy.Tests;

/// <summary>
/// The proxy's budget belongs to the caller's credential (API key prefix, admin key, operator subject) and to the
/// client address only without one. Each test uses its own keys and source addresses on one shared proxy.
/// </summary>
public sealed class ProxyRateLimitTests(ProxyRateLimitTests.Fixture fixture) : IClassFixture<ProxyRateLimitTests.Fixture>
{
    private const int Limit = 3;

    [Fact]
    public async Task Two_api_keys_from_one_address_each_get_their_own_budget()
    {
        using var client = fixture.ClientFrom("127.0.0.1");
        var first = ApiKey("AAAA");
        var second = ApiKey("BBBB");

        await AssertAllowedAsync(client, "x-releasy-api-key", first, Limit);
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(client, "x-releasy-api-key", first));
        await AssertAllowedAsync(client, "x-releasy-api-key", second, Limit);
    }

    [Fact]
    public async Task One_api_key_from_two_addresses_shares_one_budget()
    {
        using var one = fixture.ClientFrom("127.0.0.2");
        using var other = fixture.ClientFrom("127.0.0.3");
        var key = ApiKey("CCCC");

        await AssertAllowedAsync(one, "x-releasy-api-key", key, Limit - 1);
        Assert.Equal(HttpStatusCode.OK, await SendOneAsync(other, "x-releasy-api-key", key));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(other, "x-releasy-api-key", key));
        // Keys sharing the lookup prefix are one caller to the proxy; the API tells them apart.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(one, "x-releasy-api-key", ApiKey("CCCC", 'z')));
    }

    [Fact]
    public async Task Without_a_credential_the_budget_is_the_client_address()
    {
        using var one = fixture.ClientFrom("127.0.0.4");
        using var other = fixture.ClientFrom("127.0.0.5");

        await AssertAllowedAsync(one, null, null, Limit);
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(one, null, null));
        // A value that is not a customer key is no credential either.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(one, "x-releasy-api-key", "not-a-key"));
        Assert.Equal(HttpStatusCode.OK, await SendOneAsync(other, null, null));
        // A credential from the exhausted address has its own budget.
        Assert.Equal(HttpStatusCode.OK, await SendOneAsync(one, "x-releasy-api-key", ApiKey("DDDD")));
    }

    [Fact]
    public async Task The_admin_key_is_one_budget_from_any_address()
    {
        using var one = fixture.ClientFrom("127.0.0.6");
        using var other = fixture.ClientFrom("127.0.0.7");

        await AssertAllowedAsync(one, "x-releasy-admin-key", "admin-secret-1", Limit);
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(other, "x-releasy-admin-key", "admin-secret-1"));
        Assert.Equal(HttpStatusCode.OK, await SendOneAsync(other, null, null));
    }

    [Fact]
    public async Task An_operator_token_is_budgeted_by_its_subject()
    {
        using var one = fixture.ClientFrom("127.0.0.8");
        using var other = fixture.ClientFrom("127.0.0.9");

        await AssertAllowedAsync(one, "Authorization", Bearer("op-1", 1), Limit);
        // Another token for the same subject, from another address: the same budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendOneAsync(other, "Authorization", Bearer("op-1", 2)));
        Assert.Equal(HttpStatusCode.OK, await SendOneAsync(one, "Authorization", Bearer("op-2", 1)));
    }

    [Fact]
    public async Task A_refusal_carries_the_envelope_retry_after_and_the_rate_limit_fields()
    {
        using var client = fixture.ClientFrom("127.0.0.10");
        var key = ApiKey("EEEE");
        await AssertAllowedAsync(client, "x-releasy-api-key", key, Limit);

        using var request = Request("x-releasy-api-key", key);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("""{"error":{"code":"too_many_requests","message":"too many requests"}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromSeconds(3600), response.Headers.RetryAfter?.Delta);
        Assert.Equal("3", Header(response, "RateLimit-Limit"));
        Assert.Equal("0", Header(response, "RateLimit-Remaining"));
        Assert.Equal("3600", Header(response, "RateLimit-Reset"));
    }

    private static string ApiKey(string distinct, char fill = 'x') => "releasy_" + distinct + new string(fill, 39);

    private static string Bearer(string subject, int issuedAt)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return "Bearer " + Part("""{"alg":"RS256","typ":"JWT"}""") + "." + Part($$"""{"sub":"{{subject}}","iat":{{issuedAt}}}""") + ".c2ln";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static HttpRequestMessage Request(string? header, string? value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/limited");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return request;
    }

    private static async Task<HttpStatusCode> SendOneAsync(HttpClient client, string? header, string? value)
    {
        using var request = Request(header, value);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task AssertAllowedAsync(HttpClient client, string? header, string? value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendOneAsync(client, header, value));
        }
    }

    /// <summary>One proxy with a budget of three requests per hour.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private TestBackend _api = null!;
        private ProxyProcess _proxy = null!;

        public async Task InitializeAsync()
        {
            _api = await TestBackend.StartAsync("a");
            _proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
            {
                ["services__api__http__0"] = _api.Url,
                ["Proxy__RateLimit__PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Proxy__RateLimit__WindowSeconds"] = "3600",
            });
        }

        /// <summary>A client whose connections leave from <paramref name="address"/> (any 127/8 address is loopback).</summary>
        public HttpClient ClientFrom(string address) => _proxy.CreateClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });

        public async Task DisposeAsync()
        {
            await _proxy.DisposeAsync();
            await _api.DisposeAsync();
        }
    }
}
