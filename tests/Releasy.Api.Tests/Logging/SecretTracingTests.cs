using System.Collections.Concurrent;
using System.Diagnostics;
using Releasy.Testing;

namespace Releasy.Api.Tests.Logging;

/// <summary>Traces are exported to an operator's collector: a download token must not ride along in them.</summary>
public sealed class SecretTracingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_download_token_in_the_path_is_redacted_from_the_request_trace()
    {
        var tags = new ConcurrentBag<KeyValuePair<string, string?>>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                foreach (var tag in activity.Tags)
                {
                    tags.Add(tag);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var token = "releasy_dl_" + Guid.NewGuid().ToString("N");

        var response = await fixture.Api.CreateClient().GetAsync($"/v1/downloads/{token}");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
        // The server's activity can stop just after the client has its response.
        await Eventually.UntilAsync(() => Task.FromResult(tags.Any(t => t.Key == "url.path" && t.Value == "/v1/downloads/{token}")),
            found => found, "the request's activity to stop", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(tags, t => t.Value?.Contains(token, StringComparison.Ordinal) == true);
    }
}
