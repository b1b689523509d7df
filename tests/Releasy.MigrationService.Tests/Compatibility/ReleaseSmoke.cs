using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Releasy.MigrationService.Tests.Compatibility;

/// <summary>
/// A release's smoke requests, over HTTP against an API with the embedded artifact store: an operator sets up a
/// customer (key, entitlement) and publishes a release with one uploaded artifact; the customer lists it, gets a
/// download token and redeems it for the same bytes. Each step asserts the contract's status.
/// </summary>
public sealed class ReleaseSmoke(Uri api, string adminKey)
{
    public async Task RunAsync(string product)
    {
        using var admin = Client(("x-releasy-admin-key", adminKey));
        var bytes = RandomNumberGenerator.GetBytes(32 * 1024);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var customerId = Text(await PostAsync(admin, "/v1/admin/customers", new { name = $"{product} customer" }), "id");
        var apiKey = Text(await PostAsync(admin, "/v1/admin/keys", new { customer_id = customerId, scopes = new[] { "releases:read", "downloads:token" } }), "api_key");
        await PostAsync(admin, $"/v1/admin/customers/{customerId}/entitlements", new { product, starts_at = now - 60 });
        var releaseId = Text(await PostAsync(admin, "/v1/releases", new { product, version = "1.0.0" }), "id");
        var presign = await PostAsync(admin, $"/v1/releases/{releaseId}/artifacts/presign", new { filename = "app.tar.gz", platform = "linux-amd64" });

        using var anonymous = Client();
        var upload = await anonymous.PutAsync(Text(presign, "upload_url"), new ByteArrayContent(bytes));
        Assert.True(upload.IsSuccessStatusCode, $"upload: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        var artifactId = Text(presign, "artifact_id");
        await PostAsync(admin, $"/v1/releases/{releaseId}/artifacts", new
        {
            artifact_id = artifactId,
            platform = "linux-amd64",
            object_key = Text(presign, "object_key"),
            checksum = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            size = bytes.Length,
        });
        await PostAsync(admin, $"/v1/releases/{releaseId}/publish", new { });

        using var customer = Client(("x-releasy-api-key", apiKey));
        var listed = await GetAsync(customer, $"/v1/releases?product={product}");
        Assert.Equal([releaseId], listed.GetProperty("releases").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var downloadUrl = Text(await PostAsync(customer, "/v1/downloads/token", new { artifact_id = artifactId }), "download_url");

        var redirect = await anonymous.GetAsync(downloadUrl);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(bytes, await anonymous.GetByteArrayAsync(redirect.Headers.Location));
    }

    private HttpClient Client(params (string Name, string Value)[] headers)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return client;
    }

    private static string Text(JsonElement body, string property) => body.GetProperty(property).GetString()!;

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body) =>
        await ReadOkAsync(await client.PostAsJsonAsync(path, body), $"POST {path}");

    private static async Task<JsonElement> GetAsync(HttpClient client, string path) =>
        await ReadOkAsync(await client.GetAsync(path), $"GET {path}");

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response, string request)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{request}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
