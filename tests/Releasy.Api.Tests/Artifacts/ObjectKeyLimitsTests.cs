using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Releasy.Api.Tests.Artifacts;

/// <summary>
/// Names the object-key schema cannot store the same way on every backend (dot segments, over-long names, NUL) get
/// the same 400 on the embedded store and on S3, and nothing is written; the longest accepted names go all the way.
/// </summary>
public abstract class ObjectKeyLimitsTests<TFixture>(TFixture fixture) where TFixture : ApiFixture
{
    private ReleasyApiFactory Api => fixture.Api;

    [Theory]
    [InlineData("..", "linux", "filename is invalid")]
    [InlineData(".", "linux", "filename is invalid")]
    [InlineData(" .. ", "linux", "filename is invalid")]
    [InlineData("app.zip", "..", "platform is invalid")]
    [InlineData("app.zip", ".", "platform is invalid")]
    [InlineData("a\u0000b", "linux", "filename must not contain NUL characters")]
    [InlineData("app.zip", "\u0000", "platform must not contain NUL characters")]
    public async Task Presign_refuses_names_no_backend_can_store(string filename, string platform, string message)
    {
        var release = await Api.SeedReleaseAsync();

        var response = await Api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename, platform });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData("..", "1.0", "product is invalid")]
    [InlineData("p", ".", "version is invalid")]
    public async Task Presign_refuses_a_release_whose_product_or_version_is_a_dot_segment(string product, string version, string message)
    {
        var release = await Api.SeedReleaseAsync(product, version);

        var response = await Api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "app.zip", platform = "linux" });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData(201, 10, "filename must be at most 200 characters")]
    [InlineData(10, 129, "platform must be at most 128 characters")]
    public async Task Presign_refuses_over_long_names(int filenameLength, int platformLength, string message)
    {
        var release = await Api.SeedReleaseAsync();

        var response = await Api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = new string('f', filenameLength), platform = new string('p', platformLength) });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Fact]
    public async Task Register_refuses_a_dot_segment_platform_an_over_long_object_key_and_a_nul_and_stores_nothing()
    {
        var release = await Api.SeedReleaseAsync();
        var admin = Api.CreateAdminClient();
        var id = Guid.NewGuid().ToString();
        var prefix = $"releases/{release.Product}/1.0.0/linux/{id}/";
        object Body(string platform, string objectKey) =>
            new { artifact_id = id, platform, object_key = objectKey, checksum = new string('a', 64), size = 1 };

        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", Body("..", prefix + "a")))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "platform is invalid");
        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", Body("linux", prefix + new string('k', 1024))))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "object_key must be at most 1024 bytes");
        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", Body("linux", prefix + "a\u0000")))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "object_key must not contain NUL characters");

        await using var db = Api.Database.CreateContext();
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
    }

    [Fact]
    public async Task The_longest_accepted_names_upload_register_and_list()
    {
        var product = TestData.UniqueProduct()[..40] + new string('p', 88);
        var release = await Api.SeedReleaseAsync(product, new string('v', 128));
        var bytes = RandomNumberGenerator.GetBytes(64);

        var (id, objectKey) = await Api.CreateArtifactAsync(release, bytes, new string('l', 128), new string('f', 196) + ".zip");

        Assert.EndsWith("/" + new string('f', 196) + ".zip", objectKey, StringComparison.Ordinal);
        await using var db = Api.Database.CreateContext();
        Assert.Equal(objectKey, await db.Artifacts.Where(a => a.Id == id).Select(a => a.ObjectKey).SingleAsync());
    }
}

public sealed class EmbeddedStoreObjectKeyLimitsTests(EmbeddedStoreFixture fixture)
    : ObjectKeyLimitsTests<EmbeddedStoreFixture>(fixture), IClassFixture<EmbeddedStoreFixture>;

public sealed class S3StoreObjectKeyLimitsTests(S3StoreFixture fixture)
    : ObjectKeyLimitsTests<S3StoreFixture>(fixture), IClassFixture<S3StoreFixture>;
