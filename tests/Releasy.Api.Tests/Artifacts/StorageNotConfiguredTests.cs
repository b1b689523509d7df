using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Artifacts;

/// <summary>Neither S3 nor <c>RELEASY_ARTIFACT_DIR</c>: 503 where the contract says so.</summary>
public sealed class StorageNotConfiguredTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task Presign_and_register_answer_503_after_auth_and_before_the_release_lookup()
    {
        var admin = Api.CreateAdminClient();

        await (await admin.PostJsonAsync("/v1/releases/missing/artifacts/presign", new { filename = "a", platform = "b" }))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "artifact storage not configured");
        await (await admin.PostJsonAsync("/v1/releases/missing/artifacts",
                new { artifact_id = "x", platform = "p", object_key = "k", checksum = "c", size = 1 }))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "artifact storage not configured");
        await (await Api.CreateClient().PostJsonAsync("/v1/releases/missing/artifacts/presign", new { filename = "a", platform = "b" }))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Tokens_are_issued_but_redeeming_one_answers_503()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);

        var token = await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id })).AssertOkAsync();
        var response = await Api.CreateClient().GetAsync(new Uri((string)token["download_url"]!).PathAndQuery);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "artifact storage not configured");
    }

    [Fact]
    public async Task Deleting_a_release_with_artifacts_still_answers_204()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        await Api.SeedArtifactAsync(release);

        var response = await Api.CreateAdminClient().DeleteAsync($"/v1/releases/{release.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var db = Api.Database.CreateContext();
        Assert.False(await db.Releases.AnyAsync(r => r.Id == release.Id));
        Assert.False(await db.Artifacts.AnyAsync(a => a.ReleaseId == release.Id));
    }

    [Fact]
    public async Task The_embedded_storage_routes_do_not_exist()
    {
        var response = await Api.CreateClient().GetAsync("/v1/storage/releases/a/b/c/d/e?expires=1&signature=x");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "not found");
    }
}
