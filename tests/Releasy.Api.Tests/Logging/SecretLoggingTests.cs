using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Releasy.Api.Http;

namespace Releasy.Api.Tests.Logging;

/// <summary>Secrets in request URLs (download tokens, storage signatures) never reach a log line.</summary>
public sealed class SecretLoggingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_download_token_and_a_storage_signature_in_the_url_are_not_logged()
    {
        var capture = new CapturingLoggerProvider();
        using var api = fixture.Api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(capture)));
        using var client = api.CreateClient();
        var token = "releasy_dl_" + Guid.NewGuid().ToString("N");
        var signature = "sig" + Guid.NewGuid().ToString("N");

        await (await client.GetAsync($"/v1/downloads/{token}")).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
        await client.GetAsync($"/v1/storage/releases/a/b?expires=1&signature={signature}");

        Assert.NotEmpty(capture.Messages);
        Assert.DoesNotContain(capture.Messages, m => m.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Messages, m => m.Contains(signature, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unhandled_exception_on_a_download_url_is_logged_without_the_token()
    {
        var capture = new CapturingLoggerProvider();
        var handler = new ApiExceptionHandler(new Logger<ApiExceptionHandler>(new LoggerFactory([capture])));
        var token = "releasy_dl_" + Guid.NewGuid().ToString("N");
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/v1/downloads/" + token;
        http.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(http, new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status500InternalServerError, http.Response.StatusCode);
        Assert.Single(capture.Messages);
        Assert.DoesNotContain(capture.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }
}
