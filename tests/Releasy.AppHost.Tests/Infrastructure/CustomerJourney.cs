using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>
/// The contract's journey through the proxy: an operator sets a customer up (key, entitlement) and publishes a
/// release with one artifact, uploaded through the proxy; the customer then asks for a download link. Every step
/// must answer 200.
/// </summary>
public sealed record CustomerJourney(string ReleaseId, string ArtifactId, string ApiKey, string UploadUrl, byte[] Bytes)
{
    public static async Task<CustomerJourney> PublishAsync(TopologyRun run, string product, int size)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var admin = run.CreateAdminClient();
        return await PublishAsync(admin, product, size);
    }

    /// <summary>The operator's part through any deployment's public URL (the client's base address, admin key set).</summary>
    public static async Task<CustomerJourney> PublishAsync(HttpClient admin, string product, int size)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var bytes = RandomNumberGenerator.GetBytes(size);

        var customerId = (await PostAsync(admin, "/v1/admin/customers", new { name = $"{product} customer" })).GetProperty("id").GetString()!;
        var key = await PostAsync(admin, "/v1/admin/keys", new { customer_id = customerId, scopes = new[] { "releases:read", "downloads:token" } });
        await PostAsync(admin, $"/v1/admin/customers/{customerId}/entitlements", new { product, starts_at = now - 60 });
        var releaseId = (await PostAsync(admin, "/v1/releases", new { product, version = "1.0.0" })).GetProperty("id").GetString()!;
        var presign = await PostAsync(admin, $"/v1/releases/{releaseId}/artifacts/presign", new { filename = "app.tar.gz", platform = "linux-amd64" });
        var uploadUrl = presign.GetProperty("upload_url").GetString()!;

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
        return new CustomerJourney(releaseId, artifactId, key.GetProperty("api_key").GetString()!, uploadUrl, bytes);
    }

    /// <summary>A client of the proxy that presents the customer's API key.</summary>
    public HttpClient CustomerClient(TopologyRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var client = new HttpClient { BaseAddress = run.ProxyUrl };
        client.DefaultRequestHeaders.Add("x-releasy-api-key", ApiKey);
        return client;
    }

    /// <summary>The customer's download link for the artifact.</summary>
    public async Task<string> IssueDownloadUrlAsync(TopologyRun run)
    {
        using var customer = CustomerClient(run);
        return (await PostAsync(customer, "/v1/downloads/token", new { artifact_id = ArtifactId })).GetProperty("download_url").GetString()!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
