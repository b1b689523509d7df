using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>
/// The contract's whole journey through the proxy on real PostgreSQL: an operator sets a customer up and
/// publishes a release with an artifact (uploaded through the proxy to the embedded store); the customer lists
/// it, gets a download token and downloads the exact bytes.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class JourneyTests(TopologyFixture fixture)
{
    [Fact]
    public async Task A_published_artifact_reaches_an_entitled_customer_byte_for_byte()
    {
        var run = fixture.Run;
        var proxyUrl = run.ProxyUrl.ToString().TrimEnd('/');

        var journey = await CustomerJourney.PublishAsync(run, "journey-app", 64 * 1024);
        using var customer = journey.CustomerClient(run);
        var listed = await customer.GetStringAsync("/v1/releases");
        var downloadUrl = await journey.IssueDownloadUrlAsync(run);

        Assert.StartsWith(proxyUrl + "/", journey.UploadUrl, StringComparison.Ordinal);
        Assert.Contains(journey.ReleaseId, listed, StringComparison.Ordinal);
        Assert.StartsWith(proxyUrl + "/v1/downloads/", downloadUrl, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        Assert.Equal(journey.Bytes, await anonymous.GetByteArrayAsync(downloadUrl));
        var stored = Directory.EnumerateFiles(Path.Combine(run.StateDirectory, "artifacts"), "app.tar.gz", SearchOption.AllDirectories);
        Assert.Contains(stored, path => path.Contains(journey.ArtifactId, StringComparison.Ordinal));
    }
}
