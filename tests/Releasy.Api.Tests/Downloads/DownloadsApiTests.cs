using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Releasy.Api.Auth;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Downloads;

/// <summary>Download tokens (contract 3.8) with the embedded store: issue-time and redeem-time checks.</summary>
public sealed class DownloadsApiTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task Issue_stores_only_the_hash_and_builds_the_link_from_the_public_base_url()
    {
        var (artifact, customerId, client) = await EntitledAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/downloads/token")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { artifact_id = artifact.Id.ToUpperInvariant(), purpose = "  ci mirror " }),
        };
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "http");

        var body = await (await client.SendAsync(request)).AssertOkAsync();

        Assert.Equal(["download_url", "expires_at"], body.Select(p => p.Key));
        var url = (string)body["download_url"]!;
        Assert.StartsWith("https://downloads.example.test/v1/downloads/" + SecretHasher.DownloadTokenPrefix, url, StringComparison.Ordinal);
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal(54, token.Length);
        Assert.Equal(Api.Now + 600, (long)body["expires_at"]!);
        await using var db = Api.Database.CreateContext();
        var row = await db.DownloadTokens.SingleAsync(t => t.CustomerId == customerId);
        Assert.Equal(Hasher().Sha256Hex(token), row.TokenHash);
        Assert.Equal((artifact.Id, "ci mirror", Api.Now + 600, Api.Now), (row.ArtifactId, row.Purpose, row.ExpiresAt, row.CreatedAt));
    }

    [Fact]
    public async Task Issue_stores_a_blank_purpose_as_null_and_honours_an_explicit_lifetime()
    {
        var (artifact, customerId, client) = await EntitledAsync();

        var body = await (await client.PostJsonAsync("/v1/downloads/token",
            new { artifact_id = artifact.Id, purpose = "  ", expires_in_seconds = 30 })).AssertOkAsync();

        Assert.Equal(Api.Now + 30, (long)body["expires_at"]!);
        await using var db = Api.Database.CreateContext();
        Assert.Null((await db.DownloadTokens.SingleAsync(t => t.CustomerId == customerId)).Purpose);
    }

    [Theory]
    [InlineData("""{"artifact_id":"  "}""", "artifact_id is required")]
    [InlineData("""{"artifact_id":"12345"}""", "artifact_id must be a valid UUID")]
    public async Task Issue_validates_the_artifact_id(string json, string message)
    {
        var (_, _, client) = await EntitledAsync();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/v1/downloads/token", json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData(0, "expires_in_seconds must be positive")]
    [InlineData(601, "expires_in_seconds must be <= 600")]
    public async Task Issue_validates_the_lifetime(int seconds, string message)
    {
        var (artifact, customerId, client) = await EntitledAsync();

        var response = await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id, expires_in_seconds = seconds });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await using var db = Api.Database.CreateContext();
        Assert.False(await db.DownloadTokens.AnyAsync(t => t.CustomerId == customerId));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("4294967296")]
    [InlineData("1.0")]
    [InlineData("\"60\"")]
    public async Task Issue_returns_422_for_a_lifetime_that_is_not_a_u32(string value)
    {
        var (artifact, _, client) = await EntitledAsync();

        var response = await client.SendJsonAsync(HttpMethod.Post, "/v1/downloads/token",
            $$"""{"artifact_id":"{{artifact.Id}}","expires_in_seconds":{{value}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Issue_returns_404_for_an_unknown_artifact()
    {
        var (_, _, client) = await EntitledAsync();

        var response = await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = Guid.NewGuid() });

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "artifact not found");
    }

    [Fact]
    public async Task Issue_refuses_a_draft_release_with_403()
    {
        var release = await Api.SeedReleaseAsync();
        var artifact = await Api.SeedArtifactAsync(release);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);

        var response = await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id });

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "release not published");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(-100L, -1L)]
    [InlineData(10L, null)]
    public async Task Issue_refuses_a_customer_without_an_active_entitlement_with_403(long? startsOffset, long? endsOffset)
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var customerId = (await Api.SeedCustomerAsync()).Id;
        await Api.SeedEntitlementAsync(customerId, "other-" + release.Product, Api.Now - 100);
        if (startsOffset is { } starts)
        {
            await Api.SeedEntitlementAsync(customerId, release.Product, Api.Now + starts, endsOffset is { } ends ? Api.Now + ends : null);
        }

        var key = "token-" + Guid.NewGuid();
        var response = await Api.CreateApiKeyClient(await Api.SeedApiKeyAsync(customerId))
            .PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }, key);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "entitlement required");
        await using var db = Api.Database.CreateContext();
        Assert.False(await db.IdempotencyKeys.AnyAsync(r => r.IdempotencyKey == key)); // Reserved only after the entitlement check.
    }

    [Fact]
    public async Task Issue_accepts_an_entitlement_that_ends_exactly_now()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var customerId = (await Api.SeedCustomerAsync()).Id;
        await Api.SeedEntitlementAsync(customerId, release.Product, Api.Now, Api.Now);

        var response = await Api.CreateApiKeyClient(await Api.SeedApiKeyAsync(customerId))
            .PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id });

        await response.AssertOkAsync();
    }

    [Fact]
    public async Task Issue_refuses_a_suspended_customer_with_401_and_a_key_without_the_scope_with_403()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var suspended = (await Api.SeedCustomerAsync(suspendedAt: Api.Now)).Id;
        await Api.SeedEntitlementAsync(suspended, release.Product, Api.Now - 10);
        var (customer, _) = await Api.SeedEntitledCustomerAsync(release.Product);

        await (await Api.CreateApiKeyClient(await Api.SeedApiKeyAsync(suspended)).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await (await Api.CreateApiKeyClient(await Api.SeedApiKeyAsync(customer.Id, [Scopes.ReleasesRead, Scopes.DownloadsRead]))
                .PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing scope");
        await (await Api.CreateClient().PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Issue_replays_per_customer_and_conflicts_for_another_customer()
    {
        var (artifact, _, client) = await EntitledAsync();
        var release = await Api.Database.CreateContext().Releases.SingleAsync(r => r.Id == artifact.ReleaseId);
        var (_, otherKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        var key = "token-" + Guid.NewGuid();

        var first = await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }, key)).AssertOkAsync();
        var replay = await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }, key)).AssertOkAsync();

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await (await Api.CreateApiKeyClient(otherKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }, key))
            .AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
    }

    [Fact]
    public async Task Get_on_the_token_literal_is_405_with_allow_post()
    {
        var response = await Api.CreateClient().GetAsync("/v1/downloads/token");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Resolve_redirects_with_no_store_and_a_link_that_lives_as_long_as_the_token()
    {
        var (artifact, _, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact, expiresIn: 300);
        Api.Clock.Advance(TimeSpan.FromSeconds(100));

        var response = await NoRedirects().GetAsync(url);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var location = response.Headers.Location!;
        var expires = long.Parse(System.Web.HttpUtility.ParseQueryString(location.Query)["expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Api.Now + 200, expires);
        Assert.Contains(artifact.ObjectKey, location.AbsoluteUri, StringComparison.Ordinal);

        // The link dies with the token.
        Api.Clock.Advance(TimeSpan.FromSeconds(200));
        await (await Api.CreateClient().GetAsync(location.PathAndQuery))
            .AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "storage url expired");
        await (await Api.CreateClient().GetAsync(url))
            .AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token expired");
    }

    [Fact]
    public async Task Resolve_is_reusable_until_expiry()
    {
        var (artifact, _, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);

        Assert.Equal(HttpStatusCode.Found, (await NoRedirects().GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await NoRedirects().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Resolve_answers_head_like_get()
    {
        var (artifact, _, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);

        var response = await NoRedirects().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains(artifact.ObjectKey, response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/downloads/%20", HttpStatusCode.BadRequest, "token is required")]
    [InlineData("/v1/downloads/releasy_dl_unknown", HttpStatusCode.NotFound, "download token not found")]
    public async Task Resolve_rejects_blank_and_unknown_tokens(string path, HttpStatusCode status, string message)
    {
        var response = await Api.CreateClient().GetAsync(path);

        await response.AssertErrorAsync(status, status == HttpStatusCode.BadRequest ? "bad_request" : "not_found", message);
    }

    [Fact]
    public async Task Resolve_refuses_once_the_customer_is_suspended()
    {
        var (artifact, customerId, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);
        await using (var db = Api.Database.CreateContext())
        {
            await db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => s.SetProperty(c => c.SuspendedAt, Api.Now));
        }

        await (await NoRedirects().GetAsync(url)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
    }

    [Fact]
    public async Task Resolve_refuses_once_the_release_is_unpublished()
    {
        var (artifact, _, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);
        await Api.SetPublishedAsync(artifact.ReleaseId, published: false);

        await (await NoRedirects().GetAsync(url)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not available");
    }

    [Fact]
    public async Task Resolve_refuses_once_the_entitlement_has_ended()
    {
        var (artifact, customerId, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);
        await using (var db = Api.Database.CreateContext())
        {
            await db.Entitlements.Where(e => e.CustomerId == customerId).ExecuteUpdateAsync(s => s.SetProperty(e => e.EndsAt, Api.Now + 5));
        }

        Assert.Equal(HttpStatusCode.Found, (await NoRedirects().GetAsync(url)).StatusCode);
        Api.Clock.Advance(TimeSpan.FromSeconds(6));
        await (await NoRedirects().GetAsync(url)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not available");
    }

    [Fact]
    public async Task Resolve_does_not_care_about_the_issuing_key_being_revoked()
    {
        var (artifact, customerId, client) = await EntitledAsync();
        var url = await IssueAsync(client, artifact);
        await using (var db = Api.Database.CreateContext())
        {
            await db.ApiKeys.Where(k => k.CustomerId == customerId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, Api.Now));
        }

        Assert.Equal(HttpStatusCode.Found, (await NoRedirects().GetAsync(url)).StatusCode);
    }

    private async Task<(Artifact Artifact, string CustomerId, HttpClient Client)> EntitledAsync()
    {
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var (customer, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);
        return (artifact, customer.Id, Api.CreateApiKeyClient(apiKey));
    }

    private static async Task<string> IssueAsync(HttpClient client, Artifact artifact, int? expiresIn = null)
    {
        var body = await (await client.PostJsonAsync("/v1/downloads/token",
            new { artifact_id = artifact.Id, expires_in_seconds = expiresIn })).AssertOkAsync();
        return new Uri((string)body["download_url"]!).PathAndQuery;
    }

    private HttpClient NoRedirects() => Api.CreateClient(new() { AllowAutoRedirect = false });

    private SecretHasher Hasher() => Api.Services.GetRequiredService<SecretHasher>();
}
