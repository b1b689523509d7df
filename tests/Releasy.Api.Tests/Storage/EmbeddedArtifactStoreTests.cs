using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Releasy.Api.Storage;

namespace Releasy.Api.Tests.Storage;

/// <summary>The embedded store's signed URLs (contract §0.6), through HTTP and directly.</summary>
public sealed class EmbeddedArtifactStoreTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task A_tampered_signature_is_refused_with_403_and_nothing_is_stored()
    {
        var (url, key) = await PresignAsync();
        var tampered = url[..^4] + (url.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var response = await Api.CreateClient().PutAsync(Relative(tampered), new ByteArrayContent([1, 2, 3]));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "invalid storage signature");
        Assert.False(File.Exists(Path.Combine(fixture.Directory, "objects", key)));
        Assert.Empty(Directory.Exists(Path.Combine(fixture.Directory, ".tmp")) ? Directory.GetFiles(Path.Combine(fixture.Directory, ".tmp")) : []);
    }

    [Fact]
    public async Task A_signature_for_another_key_or_expiry_or_method_is_refused()
    {
        var (url, _) = await PresignAsync();
        var uri = new Uri(url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var client = Api.CreateClient();

        await (await client.PutAsync(uri.AbsolutePath + "x" + uri.Query, new ByteArrayContent([1])))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "invalid storage signature");
        await (await client.PutAsync($"{uri.AbsolutePath}?expires={long.Parse(query["expires"]!, System.Globalization.CultureInfo.InvariantCulture) + 1}&signature={query["signature"]}", new ByteArrayContent([1])))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "invalid storage signature");
        await (await client.GetAsync(Relative(url)))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "invalid storage signature");
        await (await client.PutAsync(uri.AbsolutePath, new ByteArrayContent([1])))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "invalid storage signature");
    }

    [Fact]
    public async Task An_upload_url_past_its_expiry_is_refused()
    {
        var (url, key) = await PresignAsync();
        Api.Clock.Advance(TimeSpan.FromSeconds(900));

        var response = await Api.CreateClient().PutAsync(Relative(url), new ByteArrayContent([1, 2, 3]));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "storage url expired");
        Assert.False(File.Exists(Path.Combine(fixture.Directory, "objects", key)));
    }

    [Fact]
    public async Task Downloads_support_range_requests_and_are_not_cached()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var store = Store();
        var key = $"releases/p/v/linux/{Guid.NewGuid()}/data.bin";
        await StoreAsync(store, key, bytes);
        var request = new HttpRequestMessage(HttpMethod.Get, Relative(store.PresignDownload(key, 60)));
        request.Headers.Range = new RangeHeaderValue(100, 199);

        var response = await Api.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes[100..200], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task A_signed_download_url_answers_head_with_the_length()
    {
        var store = Store();
        var key = $"releases/p/v/linux/{Guid.NewGuid()}/data.bin";
        await StoreAsync(store, key, new byte[1000]);

        var response = await Api.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, Relative(store.PresignDownload(key, 60))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_signed_download_of_a_missing_object_is_404()
    {
        var key = $"releases/p/v/linux/{Guid.NewGuid()}/none.bin";

        var response = await Api.CreateClient().GetAsync(Relative(Store().PresignDownload(key, 60)));

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "object not found");
    }

    [Fact]
    public async Task Stat_reports_size_and_sha256_and_delete_removes_the_object()
    {
        var store = Store();
        var key = $"releases/p/v/linux/{Guid.NewGuid()}/a.txt";
        byte[] bytes = [104, 105];

        var received = await store.ReceiveAsync(key, new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(new StoredObject(2, TestData.Sha256Hex(bytes)), received);
        Assert.Null(await store.StatAsync(key, CancellationToken.None)); // Staged, not yet registered.
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(key, 2, received.Sha256!, CancellationToken.None));
        Assert.Equal(received, await store.StatAsync(key, CancellationToken.None));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.ObjectPath(key)!));
        await store.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await store.StatAsync(key, CancellationToken.None));
        await store.DeleteAsync(key, CancellationToken.None); // Missing is fine.
    }

    [Fact]
    public async Task An_upload_is_served_only_once_promoted_and_a_later_upload_never_replaces_it()
    {
        var store = Store();
        var key = $"releases/p/v/linux/{Guid.NewGuid()}/a.bin";
        byte[] first = [1, 2, 3], second = [4, 5, 6];
        await store.ReceiveAsync(key, new MemoryStream(first), CancellationToken.None);
        var download = Relative(store.PresignDownload(key, 60));

        await (await Api.CreateClient().GetAsync(download)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "object not found");
        Assert.Equal(PromotionResult.ChecksumMismatch, await store.PromoteAsync(key, 3, TestData.Sha256Hex(second), CancellationToken.None));
        Assert.Equal(PromotionResult.SizeMismatch, await store.PromoteAsync(key, 4, TestData.Sha256Hex(first), CancellationToken.None));
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(key, 3, TestData.Sha256Hex(first), CancellationToken.None));
        await store.ReceiveAsync(key, new MemoryStream(second), CancellationToken.None);

        Assert.Equal(PromotionResult.ChecksumMismatch, await store.PromoteAsync(key, 3, TestData.Sha256Hex(second), CancellationToken.None));
        Assert.Equal(first, await (await Api.CreateClient().GetAsync(download)).Content.ReadAsByteArrayAsync());
        Assert.Equal(new StoredObject(3, TestData.Sha256Hex(first)), await store.StatAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_uploads_to_one_key_stage_bytes_whose_hash_is_recorded_with_them()
    {
        var store = Store();
        for (var round = 0; round < 20; round++)
        {
            var key = $"releases/p/v/linux/{Guid.NewGuid()}/a.bin";
            var bodies = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 32 * 1024).ToArray()).ToList();

            await Task.WhenAll(bodies.Select(b => Task.Run(() => store.ReceiveAsync(key, new MemoryStream(b), CancellationToken.None))));

            var results = new List<PromotionResult>();
            foreach (var body in bodies)
            {
                results.Add(await store.PromoteAsync(key, body.Length, TestData.Sha256Hex(body), CancellationToken.None));
            }

            Assert.Single(results, r => r == PromotionResult.Promoted);
            var stored = await File.ReadAllBytesAsync(store.ObjectPath(key)!);
            Assert.Equal(TestData.Sha256Hex(stored), (await store.StatAsync(key, CancellationToken.None))?.Sha256);
            Assert.Equal(TestData.Sha256Hex(stored), TestData.Sha256Hex(bodies[results.IndexOf(PromotionResult.Promoted)]));
        }
    }

    [Theory]
    [InlineData("releases/../../etc/passwd")]
    [InlineData("releases/a/..")]
    [InlineData("releases/./a")]
    [InlineData("/etc/passwd")]
    [InlineData("releases//a")]
    [InlineData("releases\\a")]
    [InlineData("")]
    public void Keys_that_could_escape_the_directory_are_refused(string key)
    {
        var store = Store();

        Assert.False(EmbeddedArtifactStore.IsSafeKey(key));
        Assert.Null(store.ObjectPath(key));
        Assert.Throws<ArtifactStoreException>(() => store.PresignUpload(key, 60));
    }

    [Fact]
    public async Task Presign_lifetimes_above_a_week_are_refused()
    {
        Assert.Throws<ArtifactStoreException>(() => Store().PresignDownload("releases/a", 604_801));
        Assert.NotNull(Store().PresignDownload("releases/a", 604_800));
        await Task.CompletedTask;
    }

    [Fact]
    public void The_signing_key_is_created_once_and_shared_by_every_instance_on_the_directory()
    {
        var directory = Directory.CreateTempSubdirectory("releasy-key-").FullName;
        try
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
            var first = new EmbeddedArtifactStore(directory, "http://localhost:8080", clock);
            var url = new Uri(first.PresignUpload("releases/a/b", 60));
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);

            var second = new EmbeddedArtifactStore(directory, "http://localhost:8080", clock);

            Assert.Equal(32, File.ReadAllBytes(Path.Combine(directory, ".storage-key")).Length);
            Assert.Equal(EmbeddedArtifactStore.SignatureCheck.Valid, second.Verify("PUT", "releases/a/b", query["expires"], query["signature"]));
            Assert.Equal(EmbeddedArtifactStore.SignatureCheck.Invalid, second.Verify("GET", "releases/a/b", query["expires"], query["signature"]));
            clock.Advance(TimeSpan.FromSeconds(60));
            Assert.Equal(EmbeddedArtifactStore.SignatureCheck.Expired, second.Verify("PUT", "releases/a/b", query["expires"], query["signature"]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Uploads and registers, as presign, PUT and register would.</summary>
    private static async Task StoreAsync(EmbeddedArtifactStore store, string key, byte[] bytes)
    {
        await store.ReceiveAsync(key, new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(key, bytes.Length, TestData.Sha256Hex(bytes), CancellationToken.None));
    }

    private EmbeddedArtifactStore Store() =>
        (EmbeddedArtifactStore)Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<ArtifactStorage>(Api.Services).Store!;

    private async Task<(string Url, string Key)> PresignAsync()
    {
        var release = await Api.SeedReleaseAsync();
        var body = await (await Api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "a.bin", platform = "linux" })).AssertOkAsync();
        return ((string)body["upload_url"]!, (string)body["object_key"]!);
    }

    private static string Relative(string url) => new Uri(url).PathAndQuery;
}
