using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

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
        using var admin = run.CreateAdminClient();
        var proxyUrl = run.ProxyUrl.ToString().TrimEnd('/');
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var bytes = RandomNumberGenerator.GetBytes(64 * 1024);

        var customer = await PostAsync(admin, "/v1/admin/customers", new { name = "Journey Corp" });
        var customerId = customer.GetProperty("id").GetString()!;
        var key = await PostAsync(admin, "/v1/admin/keys", new { customer_id = customerId, scopes = new[] { "releases:read", "downloads:token" } });
        await PostAsync(admin, $"/v1/admin/customers/{customerId}/entitlements", new { product = "journey-app", starts_at = now - 60 });
        var release = await PostAsync(admin, "/v1/releases", new { product = "journey-app", version = "1.0.0" });
        var releaseId = release.GetProperty("id").GetString()!;
        var presign = await PostAsync(admin, $"/v1/releases/{releaseId}/artifacts/presign", new { filename = "app.tar.gz", platform = "linux-amd64" });
        var uploadUrl = presign.GetProperty("upload_url").GetString()!;

        Assert.StartsWith(proxyUrl + "/", uploadUrl, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        var upload = await anonymous.PutAsync(uploadUrl, new ByteArrayContent(bytes));
        Assert.True(upload.IsSuccessStatusCode, $"upload through the proxy: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        var artifactId = presign.GetProperty("artifact_id").GetString()!;
        await PostAsync(admin, $"/v1/releases/{releaseId}/artifacts", new
        {
            artifact_id = artifactId,
            platform = "linux-amd64",
            object_key = presign.GetProperty("object_key").GetString(),
            checksum = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            size = bytes.Length,
        });
        var publish = await admin.PostAsync($"/v1/releases/{releaseId}/publish", null);
        Assert.True(publish.IsSuccessStatusCode, $"publish: {(int)publish.StatusCode} {await publish.Content.ReadAsStringAsync()}");

        using var customerClient = new HttpClient { BaseAddress = run.ProxyUrl };
        customerClient.DefaultRequestHeaders.Add("x-releasy-api-key", key.GetProperty("api_key").GetString());
        var listed = await customerClient.GetStringAsync("/v1/releases");
        Assert.Contains(releaseId, listed, StringComparison.Ordinal);
        var token = await PostAsync(customerClient, "/v1/downloads/token", new { artifact_id = artifactId });
        var downloadUrl = token.GetProperty("download_url").GetString()!;

        Assert.StartsWith(proxyUrl + "/v1/downloads/", downloadUrl, StringComparison.Ordinal);
        Assert.Equal(bytes, await anonymous.GetByteArrayAsync(downloadUrl));
        var stored = Directory.EnumerateFiles(Path.Combine(run.StateDirectory, "artifacts"), "app.tar.gz", SearchOption.AllDirectories);
        Assert.Contains(stored, path => path.Contains(artifactId, StringComparison.Ordinal));
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
