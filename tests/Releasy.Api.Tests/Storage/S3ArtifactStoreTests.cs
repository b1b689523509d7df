using Releasy.Api.Options;
using Releasy.Api.Storage;
using Releasy.Testing;

namespace Releasy.Api.Tests.Storage;

/// <summary>The S3 store: URL forms, limits, and stat/delete against s3rver.</summary>
public sealed class S3ArtifactStoreTests
{
    [Fact]
    public void Without_path_style_the_url_is_virtual_hosted_and_an_endpoint_without_scheme_is_https()
    {
        using var store = new S3ArtifactStore(Options(endpoint: "minio.example:9000", pathStyle: false));

        var url = store.PresignUpload("releases/a/1/linux/id/app.zip", 900);

        Assert.StartsWith("https://bucket-one.minio.example:9000/staging/releases/a/1/linux/id/app.zip?", url, StringComparison.Ordinal);
        Assert.Contains("X-Amz-SignedHeaders=host", url, StringComparison.Ordinal);
        Assert.Contains("%2Feu-west-3%2Fs3%2Faws4_request", url, StringComparison.Ordinal);
    }

    [Fact]
    public void With_path_style_the_bucket_is_the_first_path_segment()
    {
        using var store = new S3ArtifactStore(Options(endpoint: "http://127.0.0.1:9000", pathStyle: true));

        var url = store.PresignDownload("releases/a/1/linux/id/app.zip", 60);

        Assert.StartsWith("http://127.0.0.1:9000/bucket-one/releases/a/1/linux/id/app.zip?", url, StringComparison.Ordinal);
        Assert.Equal("60", System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["X-Amz-Expires"]);
    }

    [Fact]
    public void Without_an_endpoint_the_standard_aws_endpoint_for_the_region_is_used()
    {
        using var store = new S3ArtifactStore(Options(endpoint: null, pathStyle: false));

        var url = store.PresignUpload("releases/a/1/linux/id/app.zip", 900);

        Assert.StartsWith("https://bucket-one.s3.eu-west-3.amazonaws.com/staging/releases/a/1/linux/id/app.zip?", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifetimes_above_a_week_cannot_be_presigned()
    {
        using var store = new S3ArtifactStore(Options(endpoint: null, pathStyle: false));

        Assert.Throws<ArtifactStoreException>(() => store.PresignUpload("k", 604_801));
        Assert.Equal("604800", System.Web.HttpUtility.ParseQueryString(new Uri(store.PresignUpload("k", 604_800)).Query)["X-Amz-Expires"]);
    }

    [Fact]
    public async Task Stat_promote_and_delete_work_against_a_real_s3_compatible_server()
    {
        using var store = await RealStoreAsync();
        var key = $"releases/s3/1/linux/{Guid.NewGuid()}/a.bin";
        using var http = new HttpClient();

        Assert.Null(await store.StatAsync(key, CancellationToken.None));
        (await http.PutAsync(new Uri(store.PresignUpload(key, 60)), new ByteArrayContent(new byte[1234]))).EnsureSuccessStatusCode();

        Assert.Null(await store.StatAsync(key, CancellationToken.None)); // Staged, not yet registered.
        Assert.Equal(PromotionResult.SizeMismatch, await store.PromoteAsync(key, 1235, new string('0', 64), CancellationToken.None));
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(key, 1234, new string('0', 64), CancellationToken.None));
        Assert.Equal(new StoredObject(1234, null), await store.StatAsync(key, CancellationToken.None));
        Assert.Null(await StatAsync(store, S3ArtifactStore.StagingPrefix + key)); // The staged copy is gone.
        await store.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await store.StatAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_later_upload_never_replaces_a_promoted_object()
    {
        using var store = await RealStoreAsync();
        var key = $"releases/s3/1/linux/{Guid.NewGuid()}/a.bin";
        using var http = new HttpClient();
        var upload = new Uri(store.PresignUpload(key, 60));
        (await http.PutAsync(upload, new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
        Assert.Equal(PromotionResult.Promoted, await store.PromoteAsync(key, 3, new string('0', 64), CancellationToken.None));

        (await http.PutAsync(upload, new ByteArrayContent([4, 5, 6, 7]))).EnsureSuccessStatusCode();

        Assert.Equal(PromotionResult.SizeMismatch, await store.PromoteAsync(key, 4, new string('0', 64), CancellationToken.None));
        Assert.Equal([1, 2, 3], await http.GetByteArrayAsync(new Uri(store.PresignDownload(key, 60))));
        await store.DeleteAsync(key, CancellationToken.None);
        Assert.Null(await StatAsync(store, S3ArtifactStore.StagingPrefix + key)); // Delete takes the staged copy too.
    }

    private static async Task<S3ArtifactStore> RealStoreAsync()
    {
        var (endpoint, bucket) = await S3Server.GetAsync();
        return new S3ArtifactStore(new ArtifactStorageOptions
        {
            Bucket = bucket, Region = S3Server.Region, AccessKey = S3Server.Credential, SecretKey = S3Server.Credential,
            Endpoint = endpoint, PathStyle = true,
        });
    }

    private static Task<StoredObject?> StatAsync(S3ArtifactStore store, string rawKey) => store.StatAsync(rawKey, CancellationToken.None);

    private static ArtifactStorageOptions Options(string? endpoint, bool pathStyle) => new()
    {
        Bucket = "bucket-one",
        Region = "eu-west-3",
        AccessKey = "AKIDEXAMPLE",
        SecretKey = "secret",
        Endpoint = endpoint,
        PathStyle = pathStyle,
    };
}
