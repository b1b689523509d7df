using System.Net;
using Releasy.Proxy.Tests.Infrastructure;

namespace Releasy.Proxy.Tests;

public sealed class ProxyLimitsTests : IAsyncLifetime
{
    private const string PayloadTooLarge =
        """{"error":{"code":"payload_too_large","message":"Failed to buffer the request body: length limit exceeded"}}""";

    private TestBackend _api = null!;
    private ProxyProcess _proxy = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await TestBackend.StartAsync("a");
        _proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = _api.Url,
            ["Proxy__Limits__MaxRequestBodySize"] = "1024",
            ["Proxy__RateLimit__PermitLimit"] = "20",
            ["Proxy__RateLimit__WindowSeconds"] = "3600",
        });
        _client = _proxy.CreateClient();
    }

    [Fact]
    public async Task Forwards_a_body_within_the_limit()
    {
        var response = await _client.PostAsync("/v1/upload", new ByteArrayContent(new byte[1024]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"length\":1024", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_declared_body_over_the_limit_with_413_before_reaching_the_api()
    {
        var response = await _client.PostAsync("/v1/upload", new ByteArrayContent(new byte[1025]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(PayloadTooLarge, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _api.HitsOn("/v1/upload"));
    }

    [Fact]
    public async Task Refuses_a_chunked_body_that_grows_over_the_limit_with_413()
    {
        var content = new StreamContent(new MemoryStream(new byte[4096]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/upload") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(PayloadTooLarge, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rate_limits_a_client_on_the_proxied_routes_only()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await _client.GetAsync("/v1/limited")).StatusCode);
        }

        var response = await _client.GetAsync("/v1/limited");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("""{"error":{"code":"too_many_requests","message":"too many requests"}}""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(20, _api.HitsOn("/v1/limited"));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _api.DisposeAsync();
    }
}
