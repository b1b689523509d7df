using System.Net;
using System.Net.Http.Json;
using Releasy.Proxy.Tests.Infrastructure;

namespace Releasy.Proxy.Tests;

public sealed class ProxyRoutingTests : IAsyncLifetime
{
    private TestBackend _a = null!;
    private TestBackend _b = null!;
    private ProxyProcess _proxy = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await TestBackend.StartAsync("a");
        _b = await TestBackend.StartAsync("b");
        _proxy = await ProxyProcess.StartAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = _a.Url,
            ["services__api__http__1"] = _b.Url,
        });
        _client = _proxy.CreateClient();
    }

    [Fact]
    public async Task Forwards_v1_paths_to_the_api_cluster()
    {
        var echo = await _client.GetFromJsonAsync<EchoResponse>("/v1/releases?limit=1");

        Assert.NotNull(echo);
        Assert.Equal("/v1/releases", echo.Path);
    }

    [Fact]
    public async Task Forwards_openapi_json_to_the_api_cluster()
    {
        var response = await _client.GetAsync("/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\":\"3.1.0\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Answers_its_own_health_endpoints_without_forwarding_them(string path)
    {
        var body = await _client.GetStringAsync(path);

        Assert.Equal("""{"status":"ok"}""", body);
        Assert.Equal(0, _a.HitsOn(path) + _b.HitsOn(path));
    }

    [Theory]
    [InlineData("GET", "/ready")]
    [InlineData("HEAD", "/ready")]
    [InlineData("GET", "/live")]
    [InlineData("HEAD", "/live")]
    [InlineData("GET", "/version")]
    [InlineData("HEAD", "/version")]
    public async Task Forwards_the_api_meta_routes_to_the_api_cluster(string method, string path)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, _a.HitsOn(path) + _b.HitsOn(path));
    }

    [Fact]
    public async Task Answers_ready_with_the_body_of_the_api_instance()
    {
        var body = await _client.GetStringAsync("/ready");

        Assert.Matches("""^\{"status":"ok","backend":"[ab]"\}$""", body);
    }

    [Theory]
    [InlineData("/ready")]
    [InlineData("/live")]
    [InlineData("/version")]
    public async Task Does_not_forward_other_methods_on_the_api_meta_routes(string path)
    {
        var response = await _client.PostAsync(path, content: null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(0, _a.HitsOn(path) + _b.HitsOn(path));
    }

    [Theory]
    [InlineData("/v2/releases")]
    [InlineData("/ready/now")]
    [InlineData("/livez")]
    public async Task Does_not_forward_paths_outside_its_routes(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_a.Paths.Concat(_b.Paths));
    }

    [Fact]
    public async Task Sets_the_x_forwarded_headers()
    {
        var echo = await _client.GetFromJsonAsync<EchoResponse>("/v1/echo");

        Assert.NotNull(echo);
        Assert.Equal("127.0.0.1", echo.ForwardedFor);
        Assert.Equal("http", echo.ForwardedProto);
        Assert.Equal(new Uri(_proxy.Url).Authority, echo.ForwardedHost);
    }

    [Fact]
    public async Task Balances_requests_across_every_services_api_http_address()
    {
        var backends = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            var echo = await _client.GetFromJsonAsync<EchoResponse>("/v1/balance");
            backends.Add(echo!.Backend);
        }

        Assert.Equal(["a", "b"], backends.Order());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }
}
