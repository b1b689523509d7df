using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Releasy.Api.Data.Entities;
using Releasy.Api.Storage;

namespace Releasy.Api.Tests.Artifacts;

/// <summary>
/// The whole artifact path through HTTP, once per backend: presign, PUT the bytes to the upload URL, register,
/// publish, issue a token, redeem it (302), and download the very bytes that were uploaded.
/// </summary>
public abstract class ArtifactJourneyTests<TFixture>(TFixture fixture) where TFixture : ApiFixture
{
    protected TFixture Fixture => fixture;

    protected ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task Full_journey_delivers_the_uploaded_bytes_to_an_entitled_customer()
    {
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync(product: "Journey " + Guid.NewGuid().ToString("N")[..6], version: "2.0.0");
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "MyApp-2.0.tar.gz", platform = "Linux x86/64" })).AssertOkAsync();
        var artifactId = (string)presign["artifact_id"]!;
        var objectKey = (string)presign["object_key"]!;
        Assert.Equal($"releases/{release.Product.ToLowerInvariant().Replace(' ', '_')}/2.0.0/linux_x86_64/{artifactId}/myapp-2.0.tar.gz", objectKey);
        Assert.Contains(objectKey, (string)presign["upload_url"]!, StringComparison.Ordinal);
        Assert.Equal(Api.Now + 900, (long)presign["expires_at"]!);

        var (storage, uploadUri) = Api.StorageClient((string)presign["upload_url"]!);
        using (var content = new ByteArrayContent(bytes))
        {
            // curl --data-binary sends this content type; it must not matter to the signature.
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
            var upload = await storage.PutAsync(uploadUri, content);
            Assert.True(upload.IsSuccessStatusCode, $"upload failed: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        }

        var registered = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", new
        {
            artifact_id = artifactId,
            platform = "Linux x86/64",
            object_key = objectKey,
            checksum = TestData.Sha256Hex(bytes).ToUpperInvariant(),
            size = bytes.Length,
        })).AssertOkAsync();
        Assert.Equal(["id", "release_id", "object_key", "checksum", "size", "platform", "created_at"], registered.Select(p => p.Key));
        Assert.Equal(TestData.Sha256Hex(bytes), (string)registered["checksum"]!);
        await using (var db = Api.Database.CreateContext())
        {
            var row = await db.Artifacts.SingleAsync(a => a.Id == artifactId);
            Assert.Equal((objectKey, bytes.Length, "Linux x86/64"), (row.ObjectKey, row.Size, row.Platform));
        }

        await Api.SetPublishedAsync(release.Id);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        var customer = Api.CreateApiKeyClient(apiKey);

        var token = await (await customer.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifactId })).AssertOkAsync();
        var downloadUrl = new Uri((string)token["download_url"]!);
        Assert.StartsWith("https://downloads.example.test/v1/downloads/releasy_dl_", downloadUrl.AbsoluteUri, StringComparison.Ordinal);

        var redirect = await Api.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(downloadUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("no-store", redirect.Headers.CacheControl?.ToString());
        Assert.Empty(await redirect.Content.ReadAsByteArrayAsync());

        var (download, downloadUri) = Api.StorageClient(redirect.Headers.Location!.AbsoluteUri);
        var downloaded = await download.GetAsync(downloadUri);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal(TestData.Sha256Hex(bytes), TestData.Sha256Hex(await downloaded.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Registration_refuses_an_object_that_was_never_uploaded_or_has_another_size()
    {
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync();
        var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "app.zip", platform = "win" })).AssertOkAsync();
        var body = new Dictionary<string, object>
        {
            ["artifact_id"] = (string)presign["artifact_id"]!,
            ["platform"] = "win",
            ["object_key"] = (string)presign["object_key"]!,
            ["checksum"] = TestData.Sha256Hex([1, 2, 3]),
            ["size"] = 3,
        };

        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "artifact object not found in storage");

        var (storage, uploadUri) = Api.StorageClient((string)presign["upload_url"]!);
        (await storage.PutAsync(uploadUri, new ByteArrayContent([1, 2, 3, 4]))).EnsureSuccessStatusCode();
        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "size does not match stored object");

        await using var db = Api.Database.CreateContext();
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
    }

    [Fact]
    public async Task A_put_to_the_upload_url_after_registration_and_publish_does_not_change_what_downloads_serve()
    {
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync();
        var registeredBytes = RandomNumberGenerator.GetBytes(4096);
        var replacement = RandomNumberGenerator.GetBytes(4096);
        var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "app.tar.gz", platform = "linux" })).AssertOkAsync();
        var (storage, uploadUri) = Api.StorageClient((string)presign["upload_url"]!);
        (await storage.PutAsync(uploadUri, new ByteArrayContent(registeredBytes))).EnsureSuccessStatusCode();
        var registration = new
        {
            artifact_id = (string)presign["artifact_id"]!, platform = "linux", object_key = (string)presign["object_key"]!,
            checksum = TestData.Sha256Hex(registeredBytes), size = registeredBytes.Length,
        };
        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", registration)).AssertOkAsync();
        await (await admin.PostAsync($"/v1/releases/{release.Id}/publish", null)).AssertOkAsync();

        // The upload URL is still within its lifetime: the PUT may be accepted, but it must not reach the download.
        await storage.PutAsync(uploadUri, new ByteArrayContent(replacement));
        var again = await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts",
            registration with { checksum = TestData.Sha256Hex(replacement) });
        Assert.False(again.IsSuccessStatusCode);

        Assert.Equal(TestData.Sha256Hex(registeredBytes), await DownloadSha256Async(release, registration.artifact_id));
    }

    [Fact]
    public async Task A_registration_retried_after_its_object_was_promoted_finds_it_in_place()
    {
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync();
        var (id, objectKey) = await Api.UploadArtifactAsync(release, [7, 8, 9]);
        var store = Api.Services.GetRequiredService<ArtifactStorage>().Store!;
        var checksum = TestData.Sha256Hex([7, 8, 9]);
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(objectKey, 3, checksum, CancellationToken.None));

        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts",
            new { artifact_id = id, platform = "linux", object_key = objectKey, checksum, size = 3 })).AssertOkAsync();

        Assert.Equal(3, (await store.StatAsync(objectKey, CancellationToken.None))?.Size);
    }

    /// <summary>Issues a download token for an entitled customer, follows the redirect, and hashes what comes back.</summary>
    protected async Task<string> DownloadSha256Async(Release release, string artifactId)
    {
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        var token = await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifactId })).AssertOkAsync();
        var redirect = await Api.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(new Uri((string)token["download_url"]!).PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var (download, downloadUri) = Api.StorageClient(redirect.Headers.Location!.AbsoluteUri);
        var downloaded = await download.GetAsync(downloadUri);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        return TestData.Sha256Hex(await downloaded.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_redirect_lives_no_longer_than_the_token()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        var token = await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token",
            new { artifact_id = artifact.Id, expires_in_seconds = 120 })).AssertOkAsync();
        Api.Clock.Advance(TimeSpan.FromSeconds(45));

        var redirect = await Api.CreateClient(new() { AllowAutoRedirect = false })
            .GetAsync(new Uri((string)token["download_url"]!).PathAndQuery);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.True(LifetimeSeconds(redirect.Headers.Location!) <= 75, redirect.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task Deleting_a_release_removes_its_stored_objects_and_leaves_other_releases_objects()
    {
        var release = await Api.SeedReleaseAsync();
        var kept = await Api.SeedReleaseAsync();
        var (_, objectKey) = await Api.CreateArtifactAsync(release, [1, 2, 3]);
        var (_, keptKey) = await Api.CreateArtifactAsync(kept, [4, 5]);
        var store = Api.Services.GetRequiredService<ArtifactStorage>().Store!;
        Assert.NotNull(await store.StatAsync(objectKey, CancellationToken.None));

        var response = await Api.CreateAdminClient().DeleteAsync($"/v1/releases/{release.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await store.StatAsync(objectKey, CancellationToken.None));
        Assert.Equal(2, (await store.StatAsync(keptKey, CancellationToken.None))?.Size);
        await using var db = Api.Database.CreateContext();
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
    }

    /// <summary>How long the presigned URL lives from now: <c>X-Amz-Expires</c>, or <c>expires</c> minus now.</summary>
    protected long LifetimeSeconds(Uri location)
    {
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        return query["X-Amz-Expires"] is { } amz ? long.Parse(amz, System.Globalization.CultureInfo.InvariantCulture)
            : long.Parse(query["expires"]!, System.Globalization.CultureInfo.InvariantCulture) - Api.Now;
    }
}

public sealed class EmbeddedStoreJourneyTests(EmbeddedStoreFixture storeFixture)
    : ArtifactJourneyTests<EmbeddedStoreFixture>(storeFixture), IClassFixture<EmbeddedStoreFixture>
{
    [Fact]
    public async Task Registration_refuses_a_checksum_that_differs_from_the_received_bytes()
    {
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync();
        var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "app.zip", platform = "win" })).AssertOkAsync();
        var (storage, uploadUri) = Api.StorageClient((string)presign["upload_url"]!);
        (await storage.PutAsync(uploadUri, new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();

        var response = await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", new
        {
            artifact_id = (string)presign["artifact_id"]!,
            platform = "win",
            object_key = (string)presign["object_key"]!,
            checksum = TestData.Sha256Hex([3, 2, 1]),
            size = 3,
        });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "checksum does not match stored object");
    }

    [Fact]
    public async Task Concurrent_uploads_to_one_url_leave_a_hash_that_describes_the_bytes_served()
    {
        var admin = Api.CreateAdminClient();
        for (var round = 0; round < 10; round++)
        {
            var release = await Api.SeedReleaseAsync();
            var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
                new { filename = "app.bin", platform = "linux" })).AssertOkAsync();
            var (storage, uploadUri) = Api.StorageClient((string)presign["upload_url"]!);
            // Same size, different bytes: only the hash can tell them apart.
            var bodies = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)(round * 8 + i), 64 * 1024).ToArray()).ToList();

            var uploads = await Task.WhenAll(bodies.Select(b => storage.PutAsync(uploadUri, new ByteArrayContent(b))));

            Assert.All(uploads, u => Assert.Equal(HttpStatusCode.OK, u.StatusCode));
            string? registered = null;
            foreach (var checksum in bodies.Select(TestData.Sha256Hex))
            {
                var response = await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", new
                {
                    artifact_id = (string)presign["artifact_id"]!, platform = "linux",
                    object_key = (string)presign["object_key"]!, checksum, size = 64 * 1024,
                });
                if (response.IsSuccessStatusCode)
                {
                    Assert.Null(registered);
                    registered = checksum;
                }
            }

            Assert.NotNull(registered);
            await Api.SetPublishedAsync(release.Id);
            Assert.Equal(registered, await DownloadSha256Async(release, (string)presign["artifact_id"]!));
        }
    }
}

public sealed class S3StoreJourneyTests(S3StoreFixture storeFixture)
    : ArtifactJourneyTests<S3StoreFixture>(storeFixture), IClassFixture<S3StoreFixture>
{
    [Fact]
    public async Task Presigned_urls_are_path_style_sigv4_signing_only_host()
    {
        var release = await Api.SeedReleaseAsync();
        var presign = await (await Api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "app.zip", platform = "mac" })).AssertOkAsync();

        var url = (string)presign["upload_url"]!;
        // The upload lands in the key's staging copy; registration promotes it to the object key.
        Assert.StartsWith($"{Fixture.Endpoint}/{Fixture.Bucket}/staging/{(string)presign["object_key"]!}?", url, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Equal("900", query["X-Amz-Expires"]);
        Assert.StartsWith("S3RVER/", query["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.Contains("/us-east-1/s3/aws4_request", query["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.NotNull(query["X-Amz-Date"]);
        Assert.NotNull(query["X-Amz-Signature"]);
    }
}
