using System.Text.Json.Nodes;
using Releasy.Api.Auth;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests;

/// <summary><c>GET /v1/releases</c>: operator view, customer view, filters, paging, artifacts (contract 3.6.2, §0.1).</summary>
public sealed class ReleaseListingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task Operator_view_lists_drafts_and_published_newest_first_with_null_artifacts()
    {
        var product = TestData.UniqueProduct();
        var old = await fixture.Api.SeedReleaseAsync(product, "1.0.0", Release.Published, createdAt: fixture.Api.Now - 20);
        var mid = await fixture.Api.SeedReleaseAsync(product, "1.1.0", Release.Draft, createdAt: fixture.Api.Now - 10);
        var fresh = await fixture.Api.SeedReleaseAsync(product, "1.2.0", Release.Draft, createdAt: fixture.Api.Now);

        var body = await (await _admin.GetAsync($"/v1/releases?product={product}")).AssertOkAsync();

        Assert.Equal(["releases", "limit", "offset"], body.Select(p => p.Key));
        Assert.Equal([fresh.Id, mid.Id, old.Id], Ids(body));
        Assert.Equal(50, (int)body["limit"]!);
        Assert.Equal(0, (int)body["offset"]!);
        var first = body["releases"]![2]!.AsObject();
        Assert.Equal(["id", "product", "version", "status", "created_at", "published_at", "artifacts"], first.Select(p => p.Key));
        Assert.Equal(old.CreatedAt, (long)first["published_at"]!);
        Assert.All(body["releases"]!.AsArray(), r => Assert.True(r!.AsObject().ContainsKey("artifacts") && r["artifacts"] is null));
    }

    [Fact]
    public async Task Operator_view_filters_by_product_version_and_status_exactly()
    {
        var product = TestData.UniqueProduct();
        var draft = await fixture.Api.SeedReleaseAsync(product, "1.0.0");
        var published = await fixture.Api.SeedReleaseAsync(product, "2.0.0", Release.Published);
        await fixture.Api.SeedReleaseAsync(product.ToUpperInvariant(), "1.0.0");

        Assert.Equal([draft.Id], Ids(await Get($"product={product}&status=draft")));
        Assert.Equal([published.Id], Ids(await Get($"product={product}&status=published")));
        Assert.Equal([draft.Id], Ids(await Get($"product=%20{product}%20&version=1.0.0")));
        Assert.Empty(Ids(await Get($"product={product}&version=1.0")));
    }

    [Fact]
    public async Task Empty_string_filters_are_ignored()
    {
        var product = TestData.UniqueProduct();
        var release = await fixture.Api.SeedReleaseAsync(product, "9.9.9", createdAt: fixture.Api.Now + 1_000_000);

        var body = await Get("product=&version=%20%20&status=&limit=1");

        Assert.Equal([release.Id], Ids(body));
    }

    [Theory]
    [InlineData("status=Draft")]
    [InlineData("status=archived")]
    [InlineData("status=archived&limit=0")]
    public async Task An_unknown_status_is_400_and_reported_before_the_limit(string query)
    {
        var response = await _admin.GetAsync($"/v1/releases?{query}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "invalid status");
    }

    [Theory]
    [InlineData("limit=0", "limit must be positive")]
    [InlineData("limit=201", "limit must be <= 200")]
    public async Task The_limit_is_validated(string query, string message)
    {
        var response = await _admin.GetAsync($"/v1/releases?{query}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData("include_artifacts=1")]
    [InlineData("include_artifacts=")]
    [InlineData("include_artifacts=TRUE")]
    [InlineData("limit=abc")]
    [InlineData("status=draft&status=published")]
    public async Task An_unparsable_query_is_400_before_authentication(string query)
    {
        var response = await fixture.Api.CreateClient().GetAsync($"/v1/releases?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Failed to deserialize query string: ", (string?)(await response.ReadObjectAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task Pages_follow_created_at_descending_then_id()
    {
        var product = TestData.UniqueProduct();
        var created = fixture.Api.Now;
        var releases = new List<Release>();
        for (var i = 0; i < 5; i++)
        {
            releases.Add(await fixture.Api.SeedReleaseAsync(product, $"0.{i}", createdAt: created + (i < 3 ? 0 : i)));
        }

        var expected = releases.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Id).ToList();
        var page1 = await Get($"product={product}&limit=2");
        var page2 = await Get($"product={product}&limit=2&offset=2");
        var page3 = await Get($"product={product}&limit=2&offset=4");

        Assert.Equal(expected, Ids(page1).Concat(Ids(page2)).Concat(Ids(page3)));
        Assert.Equal((2, 2L), ((int)page2["limit"]!, (long)page2["offset"]!));
        Assert.Empty(Ids(await Get($"product={product}&offset=4294967295")));
    }

    [Fact]
    public async Task Include_artifacts_gives_every_release_its_artifacts_oldest_first_in_one_query()
    {
        var product = TestData.UniqueProduct();
        var withTwo = await fixture.Api.SeedReleaseAsync(product, "2.0", createdAt: fixture.Api.Now);
        var withNone = await fixture.Api.SeedReleaseAsync(product, "1.5", createdAt: fixture.Api.Now - 5);
        var withOne = await fixture.Api.SeedReleaseAsync(product, "1.0", createdAt: fixture.Api.Now - 10);
        var later = await fixture.Api.SeedArtifactAsync(withTwo, "macos", createdAt: fixture.Api.Now + 2, size: 7);
        var earlier = await fixture.Api.SeedArtifactAsync(withTwo, "linux", createdAt: fixture.Api.Now + 1);
        var only = await fixture.Api.SeedArtifactAsync(withOne, "windows");

        using var recorder = new SqlCommandRecorder();
        var body = await Get($"product={product}&include_artifacts=true");

        var releases = body["releases"]!.AsArray();
        Assert.Equal([withTwo.Id, withNone.Id, withOne.Id], Ids(body));
        Assert.Equal([earlier.Id, later.Id], ArtifactIds(releases[0]));
        Assert.Empty(ArtifactIds(releases[1]));
        Assert.Equal([only.Id], ArtifactIds(releases[2]));
        var summary = releases[0]!["artifacts"]![1]!.AsObject();
        Assert.Equal(["id", "object_key", "platform", "checksum", "size"], summary.Select(p => p.Key));
        Assert.Equal((later.ObjectKey, "macos", later.Checksum, 7L),
            ((string)summary["object_key"]!, (string)summary["platform"]!, (string)summary["checksum"]!, (long)summary["size"]!));
        // One batched query for the page, not one per release.
        Assert.Equal(1, recorder.CountMentioningAny("artifacts", withTwo.Id, withNone.Id, withOne.Id));
        Assert.Equal(1, recorder.CountMentioningAll("artifacts", withTwo.Id, withNone.Id, withOne.Id));
    }

    [Fact]
    public async Task Include_artifacts_false_keeps_artifacts_null()
    {
        var release = await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct());
        await fixture.Api.SeedArtifactAsync(release);

        var body = await Get($"product={release.Product}&include_artifacts=false");

        Assert.Null(body["releases"]![0]!["artifacts"]);
    }

    [Fact]
    public async Task Customer_view_shows_only_published_releases_of_products_entitled_now()
    {
        var (customer, key) = await fixture.Api.SeedCustomerWithKeyAsync();
        var now = fixture.Api.Now;
        string entitled = TestData.UniqueProduct(), expired = TestData.UniqueProduct(), future = TestData.UniqueProduct(),
            unentitled = TestData.UniqueProduct(), otherCustomers = TestData.UniqueProduct();
        await fixture.Api.SeedEntitlementAsync(customer.Id, entitled, startsAt: now - 100);
        await fixture.Api.SeedEntitlementAsync(customer.Id, entitled, startsAt: now - 100, endsAt: now + 100); // duplicates collapse
        await fixture.Api.SeedEntitlementAsync(customer.Id, expired, startsAt: now - 100, endsAt: now - 1);
        await fixture.Api.SeedEntitlementAsync(customer.Id, future, startsAt: now + 1);
        await fixture.Api.SeedEntitlementAsync((await fixture.Api.SeedCustomerAsync()).Id, otherCustomers, startsAt: now - 100);
        var visible = await fixture.Api.SeedReleaseAsync(entitled, "1.0", Release.Published, createdAt: now - 5);
        var newer = await fixture.Api.SeedReleaseAsync(entitled, "1.1", Release.Published, createdAt: now);
        await fixture.Api.SeedReleaseAsync(entitled, "2.0-draft", Release.Draft);
        foreach (var product in new[] { expired, future, unentitled, otherCustomers })
        {
            await fixture.Api.SeedReleaseAsync(product, "1.0", Release.Published);
        }

        var client = fixture.Api.CreateApiKeyClient(key);
        var all = await (await client.GetAsync("/v1/releases")).AssertOkAsync();
        var published = await (await client.GetAsync("/v1/releases?status=published&version=1.0")).AssertOkAsync();

        Assert.Equal([newer.Id, visible.Id], Ids(all));
        Assert.Equal([visible.Id], Ids(published));
        foreach (var product in new[] { expired, future, unentitled, otherCustomers })
        {
            Assert.Empty(Ids(await (await client.GetAsync($"/v1/releases?product={product}")).AssertOkAsync()));
        }
    }

    [Fact]
    public async Task Customer_view_treats_ends_at_as_inclusive()
    {
        var (customer, key) = await fixture.Api.SeedCustomerWithKeyAsync();
        var product = TestData.UniqueProduct();
        await fixture.Api.SeedEntitlementAsync(customer.Id, product, startsAt: fixture.Api.Now - 10, endsAt: fixture.Api.Now);
        var release = await fixture.Api.SeedReleaseAsync(product, "1.0", Release.Published);
        var client = fixture.Api.CreateApiKeyClient(key);

        var atEnd = await (await client.GetAsync($"/v1/releases?product={product}")).AssertOkAsync();
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        var afterEnd = await (await client.GetAsync($"/v1/releases?product={product}")).AssertOkAsync();

        Assert.Equal([release.Id], Ids(atEnd));
        Assert.Empty(Ids(afterEnd));
    }

    [Fact]
    public async Task Customer_view_without_entitlements_is_an_empty_page_not_403()
    {
        var (_, key) = await fixture.Api.SeedCustomerWithKeyAsync();
        await fixture.Api.SeedReleaseAsync(TestData.UniqueProduct(), "1.0", Release.Published);

        var body = await (await fixture.Api.CreateApiKeyClient(key).GetAsync("/v1/releases?limit=5&offset=3")).AssertOkAsync();

        Assert.Equal("""{"releases":[],"limit":5,"offset":3}""", body.ToJsonString());
    }

    [Theory]
    [InlineData("status=draft", "status must be published")]
    [InlineData("status=draft&limit=0", "status must be published")]
    [InlineData("status=Published", "invalid status")]
    [InlineData("status=published&limit=0", "limit must be positive")]
    public async Task Customer_view_status_rules(string query, string message)
    {
        var (_, key) = await fixture.Api.SeedCustomerWithKeyAsync();

        var response = await fixture.Api.CreateApiKeyClient(key).GetAsync($"/v1/releases?{query}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Fact]
    public async Task Customer_view_requires_the_releases_read_scope()
    {
        var (_, key) = await fixture.Api.SeedCustomerWithKeyAsync([Scopes.DownloadsToken, Scopes.KeysRead]);

        var response = await fixture.Api.CreateApiKeyClient(key).GetAsync("/v1/releases?status=draft");

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing scope");
    }

    [Fact]
    public async Task A_usable_api_key_makes_it_the_customer_view_even_next_to_an_admin_key()
    {
        var (customer, key) = await fixture.Api.SeedCustomerWithKeyAsync();
        var product = TestData.UniqueProduct();
        await fixture.Api.SeedEntitlementAsync(customer.Id, product);
        var published = await fixture.Api.SeedReleaseAsync(product, "1.0", Release.Published);
        await fixture.Api.SeedReleaseAsync(product, "2.0");
        var both = fixture.Api.CreateAdminClient();
        both.DefaultRequestHeaders.Add("x-releasy-api-key", key);
        var wrongKey = fixture.Api.CreateAdminClient();
        wrongKey.DefaultRequestHeaders.Add("x-releasy-api-key", "releasy_wrong");
        var blankKey = fixture.Api.CreateAdminClient();
        blankKey.DefaultRequestHeaders.Add("x-releasy-api-key", "   ");

        var customerView = await (await both.GetAsync($"/v1/releases?product={product}")).AssertOkAsync();
        var rejected = await wrongKey.GetAsync($"/v1/releases?product={product}");
        var operatorView = await (await blankKey.GetAsync($"/v1/releases?product={product}")).AssertOkAsync();

        Assert.Equal([published.Id], Ids(customerView));
        await rejected.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        Assert.Equal(2, Ids(operatorView).Count);
    }

    [Fact]
    public async Task Customer_view_includes_artifacts_when_asked()
    {
        var (customer, key) = await fixture.Api.SeedCustomerWithKeyAsync();
        var product = TestData.UniqueProduct();
        await fixture.Api.SeedEntitlementAsync(customer.Id, product);
        var release = await fixture.Api.SeedReleaseAsync(product, "1.0", Release.Published);
        var artifact = await fixture.Api.SeedArtifactAsync(release);

        var body = await (await fixture.Api.CreateApiKeyClient(key).GetAsync("/v1/releases?include_artifacts=true")).AssertOkAsync();

        Assert.Equal([artifact.Id], ArtifactIds(body["releases"]![0]));
    }

    [Fact]
    public async Task Anonymous_listing_is_401()
    {
        var response = await fixture.Api.CreateClient().GetAsync("/v1/releases");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    private async Task<JsonObject> Get(string query) => await (await _admin.GetAsync($"/v1/releases?{query}")).AssertOkAsync();

    private static List<string> Ids(JsonObject body) => body["releases"]!.AsArray().Select(r => (string)r!["id"]!).ToList();

    private static List<string> ArtifactIds(JsonNode? release) => release!["artifacts"]!.AsArray().Select(a => (string)a!["id"]!).ToList();
}
