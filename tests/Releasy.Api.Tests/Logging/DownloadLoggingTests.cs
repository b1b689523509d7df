using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Logging;

/// <summary>
/// A whole download journey with every logger at its most verbose: the API key, the download token and the signed
/// storage URL the API redirects to never reach a log line, from our code or the framework's.
/// </summary>
public sealed class DownloadLoggingTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    [Fact]
    public async Task No_log_line_of_a_download_journey_carries_the_key_the_token_or_the_signed_url()
    {
        var capture = new CapturingLoggerProvider();
        using var api = fixture.Api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture)));
        var release = await fixture.Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await fixture.Api.SeedArtifactAsync(release);
        var (_, apiKey) = await fixture.Api.SeedEntitledCustomerAsync(release.Product);
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("x-releasy-api-key", apiKey);

        var issued = await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id })).AssertOkAsync();
        var url = new Uri((string)issued["download_url"]!);
        var token = url.Segments[^1];
        using var noRedirects = api.CreateClient(new() { AllowAutoRedirect = false });
        var response = await noRedirects.GetAsync(url.PathAndQuery);
        var head = await noRedirects.SendAsync(new HttpRequestMessage(HttpMethod.Head, url.PathAndQuery));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(HttpStatusCode.Found, head.StatusCode);
        var location = response.Headers.Location!;
        var signature = System.Web.HttpUtility.ParseQueryString(location.Query)["signature"];
        Assert.False(string.IsNullOrEmpty(signature));
        Assert.NotEmpty(capture.Lines);
        Assert.All(capture.Lines, line =>
        {
            Assert.DoesNotContain(apiKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(token, line, StringComparison.Ordinal);
            Assert.DoesNotContain(signature, line, StringComparison.Ordinal);
            Assert.DoesNotContain("signature=", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("X-Amz-Signature", line, StringComparison.OrdinalIgnoreCase);
        });
    }
}
