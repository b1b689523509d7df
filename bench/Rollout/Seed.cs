using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Releasy.Bench.Rollout;

/// <summary>
/// What the load needs, made through the proxy before it starts: a customer with an API key and an entitlement,
/// a published release with one artifact (uploaded through the proxy), and a download token for it.
/// </summary>
internal sealed record Seed(string ApiKey, string ArtifactId, string DownloadPath)
{
    private static readonly string[] Scopes = ["releases:read", "downloads:token"];

    public static async Task<Seed> CreateAsync(HttpClient admin, string run)
    {
        var product = $"rollout-{run}";
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var customer = await PostAsync(admin, "/v1/admin/customers", new { name = $"{product} reader" });
        var key = await PostAsync(admin, "/v1/admin/keys", new { customer_id = Id(customer), scopes = Scopes });
        await PostAsync(admin, $"/v1/admin/customers/{Id(customer)}/entitlements", new { product, starts_at = now - 60 });
        var release = await PostAsync(admin, "/v1/releases", new { product, version = "1.0.0" });
        var presign = await PostAsync(admin, $"/v1/releases/{Id(release)}/artifacts/presign", new { filename = "app.tar.gz", platform = "linux-amd64" });
        var bytes = RandomNumberGenerator.GetBytes(1024);
        using var anonymous = new HttpClient();
        (await anonymous.PutAsync(presign.GetProperty("upload_url").GetString(), new ByteArrayContent(bytes))).EnsureSuccessStatusCode();
        var artifactId = presign.GetProperty("artifact_id").GetString()!;
        await PostAsync(admin, $"/v1/releases/{Id(release)}/artifacts", new
        {
            artifact_id = artifactId,
            platform = "linux-amd64",
            object_key = presign.GetProperty("object_key").GetString(),
            checksum = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            size = bytes.Length,
        });
        (await admin.PostAsync($"/v1/releases/{Id(release)}/publish", null)).EnsureSuccessStatusCode();

        var apiKey = key.GetProperty("api_key").GetString()!;
        using var customerClient = new HttpClient { BaseAddress = admin.BaseAddress };
        customerClient.DefaultRequestHeaders.Add("x-releasy-api-key", apiKey);
        var token = await PostAsync(customerClient, "/v1/downloads/token", new { artifact_id = artifactId, expires_in_seconds = 600 });
        return new Seed(apiKey, artifactId, new Uri(token.GetProperty("download_url").GetString()!).AbsolutePath);
    }

    private static string Id(JsonElement entity) => entity.GetProperty("id").GetString()!;

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"seed: POST {path} answered {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
