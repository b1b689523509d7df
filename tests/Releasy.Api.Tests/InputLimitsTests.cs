using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data;

namespace Releasy.Api.Tests;

/// <summary>
/// §0.9 input limits through HTTP: a NUL character in a stored or filtering string, an over-long string and deeply
/// nested metadata are each a 400 in the envelope, naming the field, and nothing is written.
/// </summary>
public sealed class InputLimitsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();
    private ReleasyApiFactory Api => fixture.Api;

    private static string Nul(string before = "a", string after = "b") => before + "\u0000" + after;

    [Fact]
    public async Task A_nul_character_in_a_customer_body_is_refused_and_nothing_changes()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin, "Before");
        var count = await CountAsync(db => db.Customers.CountAsync());

        await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "name must not contain NUL characters");
        await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = "ok", plan = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "plan must not contain NUL characters");
        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}", new { name = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "name must not contain NUL characters");

        Assert.Equal(count, await CountAsync(db => db.Customers.CountAsync()));
        Assert.Equal("Before", await CountAsync(db => db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_nul_character_in_key_entitlement_and_release_bodies_is_refused_and_nothing_is_stored()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var entitlementId = await TestData.CreateEntitlementAsync(_admin, customerId, new { product = "p", starts_at = 1 });
        var product = TestData.UniqueProduct();

        await (await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId, name = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "name must not contain NUL characters");
        await (await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id must not contain NUL characters");
        await (await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "api_key_id must not contain NUL characters");
        await (await _admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", new { product = Nul(), starts_at = 1 }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must not contain NUL characters");
        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/{entitlementId}", new { product = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must not contain NUL characters");
        await (await _admin.PostJsonAsync("/v1/releases", new { product = Nul(product), version = "1" }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must not contain NUL characters");
        await (await _admin.PostJsonAsync("/v1/releases", new { product, version = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "version must not contain NUL characters");

        Assert.Equal(0, await CountAsync(db => db.ApiKeys.CountAsync(k => k.CustomerId == customerId)));
        Assert.Equal(["p"], await CountAsync(db => db.Entitlements.Where(e => e.CustomerId == customerId).Select(e => e.Product).ToListAsync()));
        Assert.Equal(0, await CountAsync(db => db.Releases.CountAsync(r => r.Product.StartsWith(product))));
    }

    [Fact]
    public async Task A_customer_key_cannot_store_a_nul_character_in_a_download_token_purpose()
    {
        var product = TestData.UniqueProduct();
        var (customer, apiKey) = await Api.SeedEntitledCustomerAsync(product);
        var release = await Api.SeedReleaseAsync(product);
        await Api.SetPublishedAsync(release.Id);
        var artifact = await Api.SeedArtifactAsync(release);
        var client = Api.CreateApiKeyClient(apiKey);

        await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id, purpose = Nul() }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "purpose must not contain NUL characters");

        Assert.Equal(0, await CountAsync(db => db.DownloadTokens.CountAsync(t => t.CustomerId == customer.Id)));
        await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id, purpose = "ci" })).AssertOkAsync();
    }

    [Theory]
    [InlineData("/v1/admin/customers?name=a%00b", "name")]
    [InlineData("/v1/admin/customers?customer_id=%00", "customer_id")]
    [InlineData("/v1/admin/customers?plan=x%00", "plan")]
    [InlineData("/v1/releases?product=a%00", "product")]
    [InlineData("/v1/releases?version=%001", "version")]
    [InlineData("/v1/releases?status=%00", "status")]
    [InlineData("/v1/admin/audit-events?actor=%00", "actor")]
    [InlineData("/v1/admin/audit-events?event=%00", "event")]
    [InlineData("/v1/admin/audit-events?customer_id=%00", "customer_id")]
    public async Task A_nul_character_in_a_query_filter_is_refused(string path, string field)
    {
        var response = await _admin.GetAsync(path);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", $"{field} must not contain NUL characters");
    }

    [Fact]
    public async Task A_nul_character_in_a_customer_key_listing_filter_is_refused()
    {
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(TestData.UniqueProduct());

        var response = await Api.CreateApiKeyClient(apiKey).GetAsync("/v1/releases?product=a%00b");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must not contain NUL characters");
    }

    [Fact]
    public async Task A_nul_character_in_an_entitlement_filter_is_refused()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var response = await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements?product=%00");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must not contain NUL characters");
    }

    [Theory]
    [InlineData("/v1/admin/customers", """{"name":"{0}"}""", "name", 255)]
    [InlineData("/v1/admin/customers", """{"name":"n","plan":"{0}"}""", "plan", 255)]
    [InlineData("/v1/releases", """{"product":"{0}","version":"1"}""", "product", 128)]
    [InlineData("/v1/releases", """{"product":"p","version":"{0}"}""", "version", 128)]
    public async Task An_over_long_string_is_refused_naming_the_field(string path, string template, string field, int max)
    {
        var before = await CountAsync(async db => await db.Customers.CountAsync() + await db.Releases.CountAsync());

        var response = await _admin.SendJsonAsync(HttpMethod.Post, path, template.Replace("{0}", new string('x', max + 1), StringComparison.Ordinal));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", $"{field} must be at most {max} characters");
        Assert.Equal(before, await CountAsync(async db => await db.Customers.CountAsync() + await db.Releases.CountAsync()));
    }

    [Fact]
    public async Task Strings_at_the_limit_are_stored_and_read_back()
    {
        // Multi-byte characters: the limit counts characters, and the unique (product, version) index still takes them.
        var product = TestData.UniqueProduct()[..40] + new string('é', 88);
        var version = new string('界', 128);

        var created = await (await _admin.PostJsonAsync("/v1/releases", new { product, version })).AssertOkAsync();
        var customer = await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = new string('n', 255), plan = new string('p', 255) }))
            .AssertOkAsync();

        Assert.Equal(product, (string?)created["product"]);
        Assert.Equal(version, (string?)created["version"]);
        var listed = await (await _admin.GetAsync($"/v1/releases?product={Uri.EscapeDataString(product)}")).AssertOkAsync();
        Assert.Equal(version, (string?)listed["releases"]![0]!["version"]);
        Assert.Equal(255, ((string?)customer["name"])!.Length);
    }

    [Fact]
    public async Task Over_long_key_entitlement_and_token_strings_are_refused_and_nothing_is_stored()
    {
        var product = TestData.UniqueProduct();
        var (customer, apiKey) = await Api.SeedEntitledCustomerAsync(product);
        var release = await Api.SeedReleaseAsync(product);
        await Api.SetPublishedAsync(release.Id);
        var artifact = await Api.SeedArtifactAsync(release);
        var entitlements = await CountAsync(db => db.Entitlements.CountAsync(e => e.CustomerId == customer.Id));

        await (await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customer.Id, name = new string('k', 256) }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "name must be at most 255 characters");
        await (await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customer.Id, scopes = new[] { new string('s', 256) } }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "scopes must be at most 255 characters");
        await (await _admin.PostJsonAsync($"/v1/admin/customers/{customer.Id}/entitlements", new { product = new string('p', 129), starts_at = 1 }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "product must be at most 128 characters");
        await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id, purpose = new string('u', 256) }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "purpose must be at most 255 characters");

        Assert.Equal(1, await CountAsync(db => db.ApiKeys.CountAsync(k => k.CustomerId == customer.Id)));
        Assert.Equal(entitlements, await CountAsync(db => db.Entitlements.CountAsync(e => e.CustomerId == customer.Id)));
        Assert.Equal(0, await CountAsync(db => db.DownloadTokens.CountAsync(t => t.CustomerId == customer.Id)));
    }

    [Fact]
    public async Task An_over_long_idempotency_key_is_refused_before_anything_is_stored()
    {
        var product = TestData.UniqueProduct();

        var response = await _admin.PostJsonAsync("/v1/releases", new { product, version = "1" }, new string('i', 129));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "idempotency-key is too long");
        Assert.Equal(0, await CountAsync(db => db.Releases.CountAsync(r => r.Product == product)));
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    [InlineData(60, false)]
    [InlineData(100, false)]
    public async Task Entitlement_metadata_is_limited_in_depth_and_anything_accepted_reads_back(int depth, bool accepted)
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var metadata = string.Concat(Enumerable.Repeat("""{"a":""", depth - 1)) + "[1]" + new string('}', depth - 1);

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/admin/customers/{customerId}/entitlements",
            $$"""{"product":"p","starts_at":1,"metadata":{{metadata}}}""");

        if (accepted)
        {
            await response.AssertOkAsync();
            var listed = await (await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements")).AssertOkAsync();
            Assert.Equal(JsonNode.Parse(metadata)!.ToJsonString(), listed["entitlements"]![0]!["metadata"]!.ToJsonString());
        }
        else
        {
            await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "metadata must be nested at most 32 levels deep");
            Assert.Equal(0, await CountAsync(db => db.Entitlements.CountAsync(e => e.CustomerId == customerId)));
            await (await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements")).AssertOkAsync();
        }
    }

    [Fact]
    public async Task Entitlement_metadata_updates_are_limited_in_depth_and_size_and_the_row_is_unchanged()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var entitlementId = await TestData.CreateEntitlementAsync(_admin, customerId, new { product = "p", starts_at = 1, metadata = new { a = 1 } });
        var deep = string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40));
        var path = $"/v1/admin/customers/{customerId}/entitlements/{entitlementId}";

        await (await _admin.SendJsonAsync(HttpMethod.Patch, path, $$"""{"metadata":{{deep}}}"""))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "metadata must be nested at most 32 levels deep");
        await (await _admin.PatchJsonAsync(path, new { metadata = new { blob = new string('m', 70_000) } }))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "metadata must be at most 65536 bytes");

        Assert.Equal("""{"a":1}""", await CountAsync(db => db.Entitlements.Where(e => e.Id == entitlementId).Select(e => e.Metadata).SingleAsync()));
        await (await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements")).AssertOkAsync();
    }

    private async Task<T> CountAsync<T>(Func<ReleasyDbContext, Task<T>> read)
    {
        await using var db = Api.Database.CreateContext();
        return await read(db);
    }
}
