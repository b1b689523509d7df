using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Artifacts;

/// <summary>Presign and register (contract 3.7) against the embedded store: every validation and message.</summary>
public sealed class ArtifactsApiTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task Presign_returns_the_contract_shape_and_writes_no_artifact()
    {
        var release = await Api.SeedReleaseAsync(product: "My App", version: " 1.0 RC ");

        var body = await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "  Setup Ümlaut.EXE ", platform = "Win/x64" })).AssertOkAsync();

        Assert.Equal(["artifact_id", "object_key", "upload_url", "expires_at"], body.Select(p => p.Key));
        var id = (string)body["artifact_id"]!;
        Assert.Equal(Guid.Parse(id).ToString(), id);
        Assert.Equal($"releases/my_app/1.0_rc/win_x64/{id}/setup__mlaut.exe", (string)body["object_key"]!);
        Assert.StartsWith($"https://downloads.example.test/v1/storage/releases/my_app/1.0_rc/win_x64/{id}/setup__mlaut.exe?expires={Api.Now + 900}&signature=",
            (string)body["upload_url"]!, StringComparison.Ordinal);
        await using var db = Api.Database.CreateContext();
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
    }

    [Theory]
    [InlineData("  ", "linux", "filename is required")]
    [InlineData("app.zip", " ", "platform is required")]
    [InlineData("app.zip", "/ /", "platform is invalid")]
    [InlineData("日本", "linux", "filename is invalid")]
    public async Task Presign_validates_filename_and_platform(string filename, string platform, string message)
    {
        var release = await Api.SeedReleaseAsync();

        var response = await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename, platform });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Fact]
    public async Task Presign_reports_an_unusable_release_product_before_the_platform()
    {
        var release = await Api.SeedReleaseAsync(product: "+++++");

        var response = await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename = "a", platform = "%%" });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product is invalid");
    }

    [Fact]
    public async Task Presign_returns_404_for_an_unknown_release_before_checking_fields()
    {
        var response = await _admin.PostJsonAsync("/v1/releases/nope/artifacts/presign", new { filename = "", platform = "" });

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
    }

    [Fact]
    public async Task Presign_refuses_filename_dot_dot_which_no_backend_stores_the_same_way()
    {
        var release = await Api.SeedReleaseAsync();

        var response = await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename = "..", platform = "linux" });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "filename is invalid");
    }

    [Fact]
    public async Task Presign_and_register_require_an_operator_with_the_publisher_role()
    {
        var release = await Api.SeedReleaseAsync();
        var anonymous = Api.CreateClient();

        await (await anonymous.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename = "a", platform = "b" }))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await (await anonymous.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", RegisterBody(Guid.NewGuid().ToString(), "k")))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Presign_replays_with_the_same_idempotency_key_and_conflicts_on_another_body_or_release()
    {
        var release = await Api.SeedReleaseAsync();
        var other = await Api.SeedReleaseAsync();
        var key = "presign-" + Guid.NewGuid();
        var path = $"/v1/releases/{release.Id}/artifacts/presign";

        var first = await (await _admin.PostJsonAsync(path, new { filename = "a.zip", platform = "linux" }, key)).AssertOkAsync();
        Api.Clock.Advance(TimeSpan.FromSeconds(5));
        var replay = await (await _admin.PostJsonAsync(path, new { platform = "linux", filename = "a.zip" }, key)).AssertOkAsync();

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await (await _admin.PostJsonAsync(path, new { filename = "b.zip", platform = "linux" }, key))
            .AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
        await (await _admin.PostJsonAsync($"/v1/releases/{other.Id}/artifacts/presign", new { filename = "a.zip", platform = "linux" }, key))
            .AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
    }

    [Fact]
    public async Task Presign_errors_release_the_idempotency_key()
    {
        var release = await Api.SeedReleaseAsync();
        var key = "presign-" + Guid.NewGuid();

        await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign", new { filename = " ", platform = "linux" }, key))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "filename is required");

        await using var db = Api.Database.CreateContext();
        Assert.False(await db.IdempotencyKeys.AnyAsync(r => r.IdempotencyKey == key));
    }

    public static TheoryData<string, string> RegisterValidation => new()
    {
        { """{"artifact_id":"  ","platform":"linux","object_key":"k","checksum":"x","size":0}""", "artifact_id is required" },
        { """{"artifact_id":"not-a-uuid","platform":"","object_key":"","checksum":"x","size":0}""", "artifact_id must be a valid UUID" },
        { """{"artifact_id":"6F9619FF-8B86-D011-B42D-00C04FC964FF","platform":" ","object_key":"","checksum":"x","size":0}""", "platform is required" },
        { """{"artifact_id":"6f9619ff8b86d011b42d00c04fc964ff","platform":"linux","object_key":" ","checksum":"x","size":0}""", "object_key is required" },
        { """{"artifact_id":"{6f9619ff-8b86-d011-b42d-00c04fc964ff}","platform":"linux","object_key":"k","checksum":"abc","size":0}""", "checksum must be a 64 character hex string" },
        { """{"artifact_id":"urn:uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff","platform":"linux","object_key":"k","checksum":"ggaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":0}""", "checksum must be a 64 character hex string" },
        { """{"artifact_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","platform":"linux","object_key":"k","checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":0}""", "size must be positive" },
        { """{"artifact_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","platform":"linux","object_key":"k","checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":-5}""", "size must be positive" },
        { """{"artifact_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","platform":"§§","object_key":"k","checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":1}""", "platform is invalid" },
        { """{"artifact_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","platform":"linux","object_key":"releases/x","checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","size":1}""", "object_key does not match release or platform" },
    };

    [Theory]
    [MemberData(nameof(RegisterValidation))]
    public async Task Register_validates_fields_in_contract_order(string json, string message)
    {
        var release = await Api.SeedReleaseAsync();

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/releases/{release.Id}/artifacts", json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData("""{"artifact_id":"a","platform":"p","object_key":"k","checksum":"c"}""")]
    [InlineData("""{"artifact_id":"a","platform":"p","object_key":"k","checksum":"c","size":"1"}""")]
    [InlineData("""{"artifact_id":"a","platform":"p","object_key":"k","checksum":"c","size":1.5}""")]
    [InlineData("""{"artifact_id":null,"platform":"p","object_key":"k","checksum":"c","size":1}""")]
    public async Task Register_returns_422_for_the_wrong_shape(string json)
    {
        var release = await Api.SeedReleaseAsync();

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/releases/{release.Id}/artifacts", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Register_checks_the_object_key_prefix_case_sensitively_with_the_canonical_id()
    {
        var release = await Api.SeedReleaseAsync(product: "App", version: "1");
        var id = Guid.NewGuid();

        var response = await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts",
            RegisterBody(id.ToString("B").ToUpperInvariant(), $"releases/App/1/linux/{id}/a.zip"));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "object_key does not match release or platform");
    }

    [Fact]
    public async Task Register_returns_404_for_an_unknown_release()
    {
        var response = await _admin.PostJsonAsync("/v1/releases/missing/artifacts", RegisterBody("x", "k"));

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
    }

    [Fact]
    public async Task Register_stores_the_trimmed_fields_and_refuses_a_second_registration_with_409()
    {
        var release = await Api.SeedReleaseAsync();
        byte[] bytes = [5, 6, 7, 8];
        var (id, key) = await Api.UploadArtifactAsync(release, bytes);
        var body = new
        {
            artifact_id = $"urn:uuid:{id.ToUpperInvariant()}",
            platform = "  linux ",
            object_key = $" {key} ",
            checksum = " " + TestData.Sha256Hex(bytes).ToUpperInvariant(),
            size = bytes.Length,
        };

        var registered = await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body)).AssertOkAsync();

        Assert.Equal(id, (string)registered["id"]!);
        Assert.Equal(release.Id, (string)registered["release_id"]!);
        Assert.Equal(key, (string)registered["object_key"]!);
        Assert.Equal("linux", (string)registered["platform"]!);
        Assert.Equal(Api.Now, (long)registered["created_at"]!);
        await using (var db = Api.Database.CreateContext())
        {
            var row = await db.Artifacts.SingleAsync(a => a.Id == id);
            Assert.Equal(TestData.Sha256Hex(bytes), row.Checksum);
        }

        await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body))
            .AssertErrorAsync(HttpStatusCode.Conflict, "conflict", "artifact already exists");
    }

    [Fact]
    public async Task Register_replays_with_the_same_idempotency_key()
    {
        var release = await Api.SeedReleaseAsync();
        byte[] bytes = [9];
        var (id, key) = await Api.UploadArtifactAsync(release, bytes, "mac", "a.dmg");
        var body = new { artifact_id = id, platform = "mac", object_key = key, checksum = TestData.Sha256Hex(bytes), size = 1 };
        var idempotencyKey = "register-" + Guid.NewGuid();

        var first = await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body, idempotencyKey)).AssertOkAsync();
        var replay = await (await _admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", body, idempotencyKey)).AssertOkAsync();

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await using var db = Api.Database.CreateContext();
        Assert.Equal(1, await db.Artifacts.CountAsync(a => a.ReleaseId == release.Id));
    }

    [Fact]
    public async Task Deleting_a_release_cascades_to_its_artifacts_and_tokens()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        var token = await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id })).AssertOkAsync();

        await using (var db = Api.Database.CreateContext())
        {
            await db.Releases.Where(r => r.Id == release.Id).ExecuteDeleteAsync();
            Assert.False(await db.Artifacts.AnyAsync(a => a.Id == artifact.Id));
            Assert.False(await db.DownloadTokens.AnyAsync(t => t.ArtifactId == artifact.Id));
        }

        await (await Api.CreateClient().GetAsync(new Uri((string)token["download_url"]!).PathAndQuery))
            .AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
    }

    private static object RegisterBody(string artifactId, string objectKey) =>
        new { artifact_id = artifactId, platform = "linux", object_key = objectKey, checksum = new string('a', 64), size = 1 };
}
