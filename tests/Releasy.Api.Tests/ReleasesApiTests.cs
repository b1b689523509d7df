using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;
using Releasy.Api.Tests.Jwt;

namespace Releasy.Api.Tests;

/// <summary>Create, delete, roles and routing (contract 3.6.1, 3.6.4, 2.6, 1.1). Status changes: <see cref="ReleasePublishingTests"/>; listing: <see cref="ReleaseListingTests"/>.</summary>
public sealed class ReleasesApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task CreateRelease_trims_and_returns_a_draft_with_null_artifacts()
    {
        var product = TestData.UniqueProduct();

        var body = await (await _admin.PostJsonAsync("/v1/releases", new { product = $"  {product} ", version = "\t1.0.0 " })).AssertOkAsync();

        Assert.Equal(["id", "product", "version", "status", "created_at", "published_at", "artifacts"], body.Select(p => p.Key));
        Assert.Equal(product, (string?)body["product"]);
        Assert.Equal("1.0.0", (string?)body["version"]);
        Assert.Equal("draft", (string?)body["status"]);
        Assert.Equal(fixture.Api.Now, (long)body["created_at"]!);
        Assert.Null(body["published_at"]);
        Assert.Null(body["artifacts"]);
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Releases.SingleAsync(r => r.Id == (string)body["id"]!);
        Assert.Equal((product, "1.0.0", "draft", (long?)null), (row.Product, row.Version, row.Status, row.PublishedAt));
    }

    [Theory]
    [InlineData("   ", "1.0.0", "product is required")]
    [InlineData("", "1.0.0", "product is required")]
    [InlineData("   ", "  ", "product is required")]
    [InlineData("tag", " \n ", "version is required")]
    public async Task CreateRelease_returns_400_for_a_blank_field_and_writes_nothing(string product, string version, string message)
    {
        var tagged = product == "tag" ? TestData.UniqueProduct() : product;

        var response = await _admin.PostJsonAsync("/v1/releases", new { product = tagged, version });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await using var db = fixture.Api.Database.CreateContext();
        Assert.False(await db.Releases.AnyAsync(r => r.Product == tagged));
    }

    [Theory]
    [InlineData("""{"version":"1"}""")]
    [InlineData("""{"product":"p"}""")]
    [InlineData("""{"product":null,"version":"1"}""")]
    [InlineData("""{"product":"p","version":1}""")]
    public async Task CreateRelease_returns_422_for_a_missing_or_mistyped_field(string json)
    {
        var response = await _admin.SendJsonAsync(HttpMethod.Post, "/v1/releases", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("Failed to deserialize the JSON body into the target type: ",
            (string?)(await response.ReadObjectAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task CreateRelease_reports_a_bad_body_before_missing_credentials()
    {
        var anonymous = fixture.Api.CreateClient();

        var malformed = await anonymous.SendJsonAsync(HttpMethod.Post, "/v1/releases", "{");
        var valid = await anonymous.PostJsonAsync("/v1/releases", new { product = "p", version = "1" });

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        await valid.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task CreateRelease_returns_409_when_version_already_exists_but_matching_is_case_sensitive()
    {
        var product = TestData.UniqueProduct();
        await (await _admin.PostJsonAsync("/v1/releases", new { product, version = "1.0.0-rc" })).AssertOkAsync();

        var duplicate = await _admin.PostJsonAsync("/v1/releases", new { product = product + " ", version = "1.0.0-rc" });
        var otherCase = await _admin.PostJsonAsync("/v1/releases", new { product, version = "1.0.0-RC" });

        await duplicate.AssertErrorAsync(HttpStatusCode.Conflict, "conflict", "release already exists");
        await otherCase.AssertOkAsync();
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(2, await db.Releases.CountAsync(r => r.Product == product));
    }

    [Fact]
    public async Task CreateRelease_raced_with_one_version_gives_one_200_and_409s_for_the_rest()
    {
        var product = TestData.UniqueProduct();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            fixture.Api.CreateAdminClient().PostJsonAsync("/v1/releases", new { product, version = "2.0.0" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await conflict.AssertErrorAsync(HttpStatusCode.Conflict, "conflict", "release already exists");
        }

        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, await db.Releases.CountAsync(r => r.Product == product));
    }

    [Fact]
    public async Task CreateRelease_replays_an_idempotent_request_and_fingerprints_the_untrimmed_body()
    {
        var product = TestData.UniqueProduct();
        var key = Guid.NewGuid().ToString();

        var first = await (await _admin.PostJsonAsync("/v1/releases", new { product, version = "3.0.0" }, key)).AssertOkAsync();
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(5));
        var replay = await (await _admin.PostJsonAsync("/v1/releases", new { product, version = "3.0.0" }, key)).AssertOkAsync();
        var padded = await _admin.PostJsonAsync("/v1/releases", new { product, version = "3.0.0 " }, key);

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await padded.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, await db.Releases.CountAsync(r => r.Product == product));
        Assert.Equal("completed", (await db.IdempotencyKeys.SingleAsync(k => k.IdempotencyKey == key && k.Endpoint == "create_release")).State);
    }

    [Fact]
    public async Task CreateRelease_does_not_cache_a_409_under_an_idempotency_key()
    {
        var product = TestData.UniqueProduct();
        await fixture.Api.SeedReleaseAsync(product, "4.0.0");
        var key = Guid.NewGuid().ToString();

        var conflict = await _admin.PostJsonAsync("/v1/releases", new { product, version = "4.0.0" }, key);

        await conflict.AssertErrorAsync(HttpStatusCode.Conflict, "conflict", "release already exists");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.False(await db.IdempotencyKeys.AnyAsync(k => k.IdempotencyKey == key));
    }

    [Fact]
    public async Task CreateRelease_validates_the_idempotency_key_after_authentication()
    {
        var anonymous = fixture.Api.CreateClient();
        var tooLong = new string('k', 129);

        var unauthenticated = await anonymous.PostJsonAsync("/v1/releases", new { product = "p", version = "1" }, tooLong);
        var rejected = await _admin.PostJsonAsync("/v1/releases", new { product = "p", version = "1" }, tooLong);
        var blank = await _admin.PostJsonAsync("/v1/releases", new { product = "p", version = "1" }, "   ");

        await unauthenticated.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await rejected.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "idempotency-key is too long");
        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "idempotency-key must not be empty");
    }

    [Fact]
    public async Task DeleteRelease_returns_204_and_cascades_to_artifacts_and_their_download_tokens()
    {
        var customer = await fixture.Api.SeedCustomerAsync();
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), status: Release.Published);
        var kept = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), status: Release.Published);
        var artifacts = new[] { await fixture.Api.SeedArtifactAsync(release, "linux"), await fixture.Api.SeedArtifactAsync(release, "macos") };
        var keptArtifact = await fixture.Api.SeedArtifactAsync(kept);
        var token = await fixture.Api.SeedDownloadTokenAsync(artifacts[0].Id, customer.Id);
        var keptToken = await fixture.Api.SeedDownloadTokenAsync(keptArtifact.Id, customer.Id);

        var response = await _admin.DeleteAsync($"/v1/releases/{release.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await using var db = fixture.Api.Database.CreateContext();
        Assert.False(await db.Releases.AnyAsync(r => r.Id == release.Id));
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
        Assert.False(await db.DownloadTokens.AnyAsync(t => t.TokenHash == token));
        Assert.True(await db.Artifacts.AnyAsync(a => a.Id == keptArtifact.Id));
        Assert.True(await db.DownloadTokens.AnyAsync(t => t.TokenHash == keptToken));
        await (await _admin.DeleteAsync($"/v1/releases/{release.Id}")).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
    }

    [Fact]
    public async Task Role_checks_follow_the_permission_matrix()
    {
        await using var env = await JwtEnvironment.StartAsync();
        var publisher = env.Bearer(env.Token("release_publisher"));
        var support = env.Bearer(env.Token("platform_support"));
        var product = TestData.UniqueProduct();

        var created = await (await publisher.PostJsonAsync("/v1/releases", new { product, version = "1" })).AssertOkAsync();
        var id = (string)created["id"]!;
        var supportCreate = await support.PostJsonAsync("/v1/releases", new { product, version = "2" });
        var supportPublish = await support.PostAsync($"/v1/releases/{id}/publish", null);
        var published = await publisher.PostAsync($"/v1/releases/{id}/publish", null);
        var publisherUnpublish = await publisher.PostAsync($"/v1/releases/{id}/unpublish", null);
        var publisherDelete = await publisher.DeleteAsync($"/v1/releases/{id}");
        var supportList = await support.GetAsync($"/v1/releases?product={product}");

        await supportCreate.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "release_publisher role required");
        await supportPublish.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "release_publisher role required");
        await published.AssertOkAsync();
        await publisherUnpublish.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "admin role required");
        await publisherDelete.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "admin role required");
        Assert.Single((await supportList.AssertOkAsync())["releases"]!.AsArray());
    }

    [Fact]
    public async Task Get_routes_answer_head_with_the_get_status_and_headers()
    {
        await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

        var head = await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/releases"));
        var anonymous = await fixture.Api.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/releases"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/json", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Release_routes_answer_405_and_404_in_the_envelope()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

        var get = await _admin.GetAsync($"/v1/releases/{release.Id}");
        var put = await _admin.PutAsync("/v1/releases", new StringContent("{}"));
        var getPublish = await _admin.GetAsync($"/v1/releases/{release.Id}/publish");
        var trailing = await _admin.GetAsync("/v1/releases/");

        await get.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed", "method not allowed");
        Assert.Equal(["DELETE"], get.Content.Headers.Allow);
        await put.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed", "method not allowed");
        Assert.Equal(["GET", "HEAD", "POST"], put.Content.Headers.Allow.Order(StringComparer.Ordinal));
        await getPublish.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed", "method not allowed");
        await trailing.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "not found");
    }
}
