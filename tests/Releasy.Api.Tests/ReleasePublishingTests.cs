using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests;

/// <summary>Publish and unpublish: transitions, errors and the compare-and-set under concurrency (contract 3.6.3, 5).</summary>
public sealed class ReleasePublishingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task Publish_then_unpublish_stamps_and_clears_published_at()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());
        fixture.Api.Clock.Advance(TimeSpan.FromMinutes(3));

        var published = await (await _admin.PostAsync($"/v1/releases/{release.Id}/publish", null)).AssertOkAsync();
        var publishedAt = fixture.Api.Now;
        await using (var db = fixture.Api.Database.CreateContext())
        {
            var row = await db.Releases.SingleAsync(r => r.Id == release.Id);
            Assert.Equal(("published", (long?)publishedAt), (row.Status, row.PublishedAt));
        }

        var unpublished = await (await _admin.PostAsync($"/v1/releases/{release.Id}/unpublish", null)).AssertOkAsync();

        Assert.Equal("published", (string?)published["status"]);
        Assert.Equal(publishedAt, (long)published["published_at"]!);
        Assert.Equal(release.CreatedAt, (long)published["created_at"]!);
        Assert.True(published.ContainsKey("artifacts") && published["artifacts"] is null);
        Assert.Equal("draft", (string?)unpublished["status"]);
        Assert.True(unpublished.ContainsKey("published_at") && unpublished["published_at"] is null);
        await using var after = fixture.Api.Database.CreateContext();
        var final = await after.Releases.SingleAsync(r => r.Id == release.Id);
        Assert.Equal(("draft", (long?)null), (final.Status, final.PublishedAt));
    }

    [Fact]
    public async Task Publish_twice_is_400_and_unpublish_of_a_draft_is_400()
    {
        var published = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), status: Release.Published);
        var draft = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

        var again = await _admin.PostAsync($"/v1/releases/{published.Id}/publish", null);
        var undraft = await _admin.PostAsync($"/v1/releases/{draft.Id}/unpublish", null);

        await again.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "release already published");
        await undraft.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "release already draft");
    }

    [Fact]
    public async Task Publish_unpublish_and_delete_of_an_unknown_release_are_404()
    {
        var id = Guid.NewGuid().ToString();

        await (await _admin.PostAsync($"/v1/releases/{id}/publish", null)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
        await (await _admin.PostAsync($"/v1/releases/{id}/unpublish", null)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
        await (await _admin.DeleteAsync($"/v1/releases/{id}")).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
    }

    [Fact]
    public async Task Publish_uses_the_release_id_as_received_without_trimming()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

        var padded = await _admin.PostAsync($"/v1/releases/%20{release.Id}/publish", null);

        await padded.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not found");
    }

    [Fact]
    public async Task Publish_ignores_any_body_and_content_type()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

        var response = await _admin.PostAsync($"/v1/releases/{release.Id}/publish", new StringContent("not json", null, "text/plain"));

        Assert.Equal("published", (string?)(await response.AssertOkAsync())["status"]);
    }

    [Fact]
    public async Task Publish_of_a_release_with_an_unknown_stored_status_is_500_invalid_status()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), status: "archived");

        var publish = await _admin.PostAsync($"/v1/releases/{release.Id}/publish", null);
        var unpublish = await _admin.PostAsync($"/v1/releases/{release.Id}/unpublish", null);

        await publish.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "invalid status");
        await unpublish.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "invalid status");
    }

    [Fact]
    public async Task Publish_raced_twice_succeeds_once_and_the_loser_is_told_why()
    {
        for (var round = 0; round < 5; round++)
        {
            var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());

            var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                fixture.Api.CreateAdminClient().PostAsync($"/v1/releases/{release.Id}/publish", null)));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var loser = responses.Single(r => r.StatusCode != HttpStatusCode.OK);
            var error = (await loser.ReadObjectAsync())["error"]!;
            Assert.True(
                (loser.StatusCode, (string?)error["message"]) is (HttpStatusCode.Conflict, "release status changed, retry")
                    or (HttpStatusCode.BadRequest, "release already published"),
                $"Unexpected loser: {(int)loser.StatusCode} {error.ToJsonString()}");
            await using var db = fixture.Api.Database.CreateContext();
            Assert.Equal(Release.Published, (await db.Releases.SingleAsync(r => r.Id == release.Id)).Status);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_status_change_between_read_and_write_is_409_release_status_changed_retry(bool publish)
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), status: publish ? Release.Draft : Release.Published);
        var competing = publish ? Release.Published : Release.Draft;
        using var recorder = new SqlCommandRecorder();
        recorder.BeforeOnce("UPDATE", release.Id, () =>
        {
            // Another instance wins the race after this request has read the status.
            using var other = fixture.Api.Database.CreateContext();
            other.Releases.Where(r => r.Id == release.Id)
                .ExecuteUpdate(s => s.SetProperty(r => r.Status, competing).SetProperty(r => r.PublishedAt, (long?)null));
        });

        var response = await _admin.PostAsync($"/v1/releases/{release.Id}/{(publish ? "publish" : "unpublish")}", null);

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "conflict", "release status changed, retry");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(competing, (await db.Releases.SingleAsync(r => r.Id == release.Id)).Status);
    }
}
