using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Releasy.Api.Entitlements;

namespace Releasy.Api.Tests;

public sealed class EntitlementsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    private long Now => fixture.Api.Now;

    [Fact]
    public async Task CreateEntitlement_returns_the_view_and_stores_metadata_as_compact_sorted_json()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/admin/customers/{customerId}/entitlements", $$"""
            { "product": "  Widget  ", "starts_at": {{Now}}, "ends_at": {{Now + 100}},
              "metadata": { "seats": 5, "b": [ { "z": 1, "a": null } ], "a": "x/ü" } }
            """);

        var body = await response.AssertOkAsync();
        Assert.Equal(["id", "customer_id", "product", "starts_at", "ends_at", "metadata"], body.Select(p => p.Key));
        Assert.Equal(customerId, (string?)body["customer_id"]);
        Assert.Equal("Widget", (string?)body["product"]);
        Assert.Equal(Now, (long)body["starts_at"]!);
        Assert.Equal(Now + 100, (long)body["ends_at"]!);
        Assert.Equal(["a", "b", "seats"], body["metadata"]!.AsObject().Select(p => p.Key));
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Entitlements.SingleAsync(e => e.Id == (string)body["id"]!);
        Assert.Equal("""{"a":"x/ü","b":[{"a":null,"z":1}],"seats":5}""", row.Metadata);
        Assert.Equal("Widget", row.Product);
        Assert.Equal(customerId, row.CustomerId);
    }

    [Theory]
    [InlineData(""", "metadata": [3, {"b":1,"a":2}]""", """[3,{"a":2,"b":1}]""")]
    [InlineData(""", "metadata": "text" """, "\"text\"")]
    [InlineData(""", "metadata": 12.5""", "12.5")]
    [InlineData(""", "metadata": false""", "false")]
    [InlineData(""", "metadata": null""", null)]
    [InlineData("", null)]
    public async Task CreateEntitlement_accepts_any_json_metadata(string field, string? stored)
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var body = await (await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/admin/customers/{customerId}/entitlements",
            $$"""{"product":"p","starts_at":1{{field}}}""")).AssertOkAsync();

        Assert.Equal(stored ?? "null", body["metadata"]?.ToJsonString() ?? "null");
        Assert.True(body.ContainsKey("metadata"));
        Assert.Null(body["ends_at"]);
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(stored, (await db.Entitlements.SingleAsync(e => e.CustomerId == customerId)).Metadata);
    }

    [Theory]
    [InlineData("""{"product":"  ","starts_at":1}""", "product is required")]
    [InlineData("""{"product":"p","starts_at":0}""", "starts_at must be positive")]
    [InlineData("""{"product":"p","starts_at":-5}""", "starts_at must be positive")]
    [InlineData("""{"product":"p","starts_at":10,"ends_at":9}""", "ends_at must be greater than or equal to starts_at")]
    [InlineData("""{"product":"","starts_at":0,"ends_at":-1}""", "product is required")]
    [InlineData("""{"product":"p","starts_at":0,"ends_at":-1}""", "starts_at must be positive")]
    public async Task CreateEntitlement_validates_the_fields_in_order_and_writes_nothing(string json, string message)
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/admin/customers/{customerId}/entitlements", json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(0, await db.Entitlements.CountAsync(e => e.CustomerId == customerId));
    }

    [Fact]
    public async Task CreateEntitlement_accepts_ends_at_equal_to_starts_at()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var body = await (await _admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements",
            new { product = "p", starts_at = 10, ends_at = 10 })).AssertOkAsync();

        Assert.Equal(10, (long)body["ends_at"]!);
    }

    [Theory]
    [InlineData("""{"starts_at":1}""")]
    [InlineData("""{"product":"p"}""")]
    [InlineData("""{"product":"p","starts_at":null}""")]
    [InlineData("""{"product":"p","starts_at":1.5}""")]
    [InlineData("""{"product":"p","starts_at":"1"}""")]
    [InlineData("""{"product":"p","starts_at":1,"ends_at":true}""")]
    public async Task CreateEntitlement_returns_422_for_the_wrong_shape_before_anything_else(string json)
    {
        var response = await fixture.Api.CreateClient().SendJsonAsync(HttpMethod.Post, "/v1/admin/customers/%20/entitlements", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task CreateEntitlement_checks_a_blank_customer_id_before_authentication()
    {
        var anonymous = fixture.Api.CreateClient();

        var blank = await anonymous.PostJsonAsync("/v1/admin/customers/%20%20/entitlements", new { product = "p", starts_at = 1 });
        var unauthenticated = await anonymous.PostJsonAsync("/v1/admin/customers/nope/entitlements", new { product = "p", starts_at = 1 });

        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id is required");
        await unauthenticated.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task CreateEntitlement_checks_the_customer_before_the_fields()
    {
        var response = await _admin.PostJsonAsync("/v1/admin/customers/no-such-customer/entitlements", new { product = " ", starts_at = 0 });

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
    }

    [Fact]
    public async Task CreateEntitlement_trims_the_customer_id_of_the_path()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var body = await (await _admin.PostJsonAsync($"/v1/admin/customers/%20{customerId}%20/entitlements",
            new { product = "p", starts_at = 1 })).AssertOkAsync();

        Assert.Equal(customerId, (string?)body["customer_id"]);
    }

    [Fact]
    public async Task CreateEntitlement_replays_with_the_same_key_whatever_the_metadata_key_order()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var key = Guid.NewGuid().ToString();
        var path = $"/v1/admin/customers/{customerId}/entitlements";

        var first = await (await _admin.SendJsonAsync(HttpMethod.Post, path,
            """{"product":"p","starts_at":5,"metadata":{"a":1,"b":2}}""", key)).AssertOkAsync();
        var replay = await (await _admin.SendJsonAsync(HttpMethod.Post, path,
            """{ "metadata": {"b":2, "a":1}, "starts_at": 5, "product": "p", "extra": true }""", key)).AssertOkAsync();
        var otherBody = await _admin.SendJsonAsync(HttpMethod.Post, path, """{"product":"p ","starts_at":5,"metadata":{"a":1,"b":2}}""", key);

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await otherBody.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, await db.Entitlements.CountAsync(e => e.CustomerId == customerId));
    }

    [Fact]
    public async Task CreateEntitlement_with_the_same_key_for_another_customer_is_an_idempotency_conflict()
    {
        var first = await KeySetup.CreateCustomerAsync(_admin);
        var second = await KeySetup.CreateCustomerAsync(_admin);
        var key = Guid.NewGuid().ToString();

        await (await _admin.PostJsonAsync($"/v1/admin/customers/{first}/entitlements", new { product = "p", starts_at = 1 }, key)).AssertOkAsync();
        var response = await _admin.PostJsonAsync($"/v1/admin/customers/{second}/entitlements", new { product = "p", starts_at = 1 }, key);

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(0, await db.Entitlements.CountAsync(e => e.CustomerId == second));
    }

    [Fact]
    public async Task CreateEntitlement_releases_the_key_after_a_validation_error()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var key = Guid.NewGuid().ToString();
        var path = $"/v1/admin/customers/{customerId}/entitlements";

        var invalid = await _admin.PostJsonAsync(path, new { product = "p", starts_at = 0 }, key);
        var valid = await _admin.PostJsonAsync(path, new { product = "p", starts_at = 1 }, key);
        var missingCustomer = await _admin.PostJsonAsync("/v1/admin/customers/nope/entitlements", new { product = "p", starts_at = 1 }, "  ");

        await invalid.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "starts_at must be positive");
        await valid.AssertOkAsync();
        await missingCustomer.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, await db.Entitlements.CountAsync(e => e.CustomerId == customerId));
    }

    [Fact]
    public async Task CreateEntitlement_validates_the_idempotency_key_after_the_customer()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var response = await _admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", new { product = "p", starts_at = 1 }, "  ");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "idempotency-key must not be empty");
    }

    [Fact]
    public async Task ListEntitlements_orders_by_starts_at_filters_by_exact_product_and_pages()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var path = $"/v1/admin/customers/{customerId}/entitlements";
        foreach (var (product, startsAt) in new[] { ("b", 30L), ("a", 10L), ("B", 20L), ("b", 5L) })
        {
            await (await _admin.PostJsonAsync(path, new { product, starts_at = startsAt })).AssertOkAsync();
        }

        var all = await (await _admin.GetAsync(path)).AssertOkAsync();
        var onlyB = await (await _admin.GetAsync($"{path}?product=%20b%20")).AssertOkAsync();
        var emptyFilter = await (await _admin.GetAsync($"{path}?product=")).AssertOkAsync();
        var page = await (await _admin.GetAsync($"{path}?limit=2&offset=1")).AssertOkAsync();

        Assert.Equal([5L, 10, 20, 30], StartsAt(all));
        Assert.Equal(50, (int)all["limit"]!);
        Assert.Equal(0, (long)all["offset"]!);
        Assert.Equal([5L, 30], StartsAt(onlyB));
        Assert.Equal([5L, 10, 20, 30], StartsAt(emptyFilter));
        Assert.Equal([10L, 20], StartsAt(page));
        Assert.Equal(2, (int)page["limit"]!);
        Assert.Equal(1, (long)page["offset"]!);
        Assert.Equal(["entitlements", "limit", "offset"], all.Select(p => p.Key));
    }

    [Fact]
    public async Task ListEntitlements_validates_customer_then_pagination()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);

        var blank = await _admin.GetAsync("/v1/admin/customers/%20/entitlements?limit=0");
        var unknown = await _admin.GetAsync("/v1/admin/customers/nope/entitlements?limit=0");
        var zero = await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements?limit=0");
        var tooMany = await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements?limit=201");
        var unparsable = await fixture.Api.CreateClient().GetAsync($"/v1/admin/customers/{customerId}/entitlements?offset=-1");
        var anonymous = await fixture.Api.CreateClient().GetAsync($"/v1/admin/customers/{customerId}/entitlements");

        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id is required");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
        await zero.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "limit must be positive");
        await tooMany.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "limit must be <= 200");
        Assert.Equal(HttpStatusCode.BadRequest, unparsable.StatusCode);
        Assert.StartsWith("Failed to deserialize query string: ", (string?)(await unparsable.ReadObjectAsync())["error"]!["message"]);
        await anonymous.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task ListEntitlements_returns_500_for_stored_metadata_that_is_not_json()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 1 });
        await using (var db = fixture.Api.Database.CreateContext())
        {
            await db.Entitlements.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Metadata, "{broken"));
        }

        var response = await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements");

        await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "invalid entitlement metadata");
    }

    [Fact]
    public async Task UpdateEntitlement_replaces_the_given_fields_and_keeps_the_others()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 10, ends_at = 100, metadata = new { tier = 1 } });
        var path = $"/v1/admin/customers/{customerId}/entitlements/{id}";

        var unchanged = await (await _admin.PatchJsonAsync(path, "{}")).AssertOkAsync();
        var nulls = await (await _admin.PatchJsonAsync(path, """{"product":null,"starts_at":null}""")).AssertOkAsync();
        var updated = await (await _admin.PatchJsonAsync(path,
            """{"product":" q ","starts_at":20,"ends_at":20,"metadata":{"z":0,"y":[1]}}""")).AssertOkAsync();

        Assert.Equal($$$"""{"id":"{{{id}}}","customer_id":"{{{customerId}}}","product":"p","starts_at":10,"ends_at":100,"metadata":{"tier":1}}""",
            unchanged.ToJsonString());
        Assert.Equal(unchanged.ToJsonString(), nulls.ToJsonString());
        Assert.Equal($$$"""{"id":"{{{id}}}","customer_id":"{{{customerId}}}","product":"q","starts_at":20,"ends_at":20,"metadata":{"y":[1],"z":0}}""",
            updated.ToJsonString());
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Entitlements.SingleAsync(e => e.Id == id);
        Assert.Equal(("q", 20L, (long?)20, """{"y":[1],"z":0}"""), (row.Product, row.StartsAt, row.EndsAt, row.Metadata));
    }

    [Fact]
    public async Task UpdateEntitlement_null_clears_ends_at_and_metadata_before_the_window_check()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 10, ends_at = 20, metadata = new { a = 1 } });

        var cleared = await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/{id}",
            """{"starts_at":50,"ends_at":null,"metadata":null}""")).AssertOkAsync();

        Assert.Null(cleared["ends_at"]);
        Assert.Null(cleared["metadata"]);
        Assert.Equal(50, (long)cleared["starts_at"]!);
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Entitlements.SingleAsync(e => e.Id == id);
        Assert.Null(row.EndsAt);
        Assert.Null(row.Metadata);
    }

    [Theory]
    [InlineData("""{"product":"  "}""", "product must not be empty")]
    [InlineData("""{"starts_at":0}""", "starts_at must be positive")]
    [InlineData("""{"starts_at":-1,"product":""}""", "product must not be empty")]
    [InlineData("""{"ends_at":9}""", "ends_at must be greater than or equal to starts_at")]
    [InlineData("""{"starts_at":101}""", "ends_at must be greater than or equal to starts_at")]
    [InlineData("""{"starts_at":200,"ends_at":150}""", "ends_at must be greater than or equal to starts_at")]
    public async Task UpdateEntitlement_validates_in_order_and_changes_nothing(string json, string message)
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 10, ends_at = 100 });

        var response = await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/{id}", json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Entitlements.SingleAsync(e => e.Id == id);
        Assert.Equal(("p", 10L, (long?)100), (row.Product, row.StartsAt, row.EndsAt));
    }

    [Fact]
    public async Task UpdateEntitlement_answers_400_and_404_for_the_path()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var otherCustomer = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 1 });

        var blank = await _admin.PatchJsonAsync($"/v1/admin/customers/%20/entitlements/{id}", "{}");
        var unknownCustomer = await _admin.PatchJsonAsync($"/v1/admin/customers/nope/entitlements/{id}", "{}");
        var unknown = await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/nope", "{}");
        var padded = await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/%20{id}", "{}");
        var foreign = await _admin.PatchJsonAsync($"/v1/admin/customers/{otherCustomer}/entitlements/{id}", "{}");
        var anonymous = await fixture.Api.CreateClient().PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/{id}", "{}");

        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id is required");
        await unknownCustomer.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "entitlement not found");
        await padded.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "entitlement not found");
        await foreign.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "entitlement not found");
        await anonymous.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task DeleteEntitlement_returns_204_with_an_empty_body_then_404()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var otherCustomer = await KeySetup.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 1 });
        var path = $"/v1/admin/customers/{customerId}/entitlements/{id}";

        var foreign = await _admin.DeleteAsync($"/v1/admin/customers/{otherCustomer}/entitlements/{id}");
        var deleted = await _admin.DeleteAsync(path);
        var again = await _admin.DeleteAsync(path);

        await foreign.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "entitlement not found");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        await again.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "entitlement not found");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.False(await db.Entitlements.AnyAsync(e => e.Id == id));
    }

    [Fact]
    public async Task DeleteEntitlement_checks_credentials_and_the_customer()
    {
        var anonymous = await fixture.Api.CreateClient().DeleteAsync("/v1/admin/customers/nope/entitlements/x");
        var blank = await _admin.DeleteAsync("/v1/admin/customers/%20/entitlements/x");
        var unknown = await _admin.DeleteAsync("/v1/admin/customers/nope/entitlements/x");

        await anonymous.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id is required");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
    }

    [Fact]
    public async Task Entitlement_windows_are_inclusive_at_both_ends()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var starting = Guid.NewGuid().ToString();
        var ending = Guid.NewGuid().ToString();
        var ended = Guid.NewGuid().ToString();
        var future = Guid.NewGuid().ToString();
        await CreateAsync(customerId, new { product = starting, starts_at = Now });
        var endingId = await CreateAsync(customerId, new { product = ending, starts_at = Now - 10, ends_at = Now });
        await CreateAsync(customerId, new { product = ended, starts_at = Now - 10, ends_at = Now - 1 });
        await CreateAsync(customerId, new { product = future, starts_at = Now + 1 });

        Assert.Equal(Sorted(starting, ending), await ActiveProductsAsync(customerId));
        Assert.True(await HasActiveAsync(customerId, starting));
        Assert.True(await HasActiveAsync(customerId, ending));
        Assert.False(await HasActiveAsync(customerId, ended));
        Assert.False(await HasActiveAsync(customerId, future));
        Assert.False(await HasActiveAsync(customerId, starting.ToUpperInvariant()));
        Assert.False(await HasActiveAsync(await KeySetup.CreateCustomerAsync(_admin), starting));

        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Sorted(starting, future), await ActiveProductsAsync(customerId));
        var extended = await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}/entitlements/{endingId}",
            new { ends_at = Now })).AssertOkAsync();
        Assert.Equal(Now, (long)extended["ends_at"]!);
        Assert.Equal(Sorted(starting, ending, future), await ActiveProductsAsync(customerId));
    }

    [Fact]
    public async Task ActiveProductsOf_composes_into_another_query_and_lists_each_product_once()
    {
        var customerId = await KeySetup.CreateCustomerAsync(_admin);
        var product = Guid.NewGuid().ToString();
        await CreateAsync(customerId, new { product, starts_at = Now - 5 });
        await CreateAsync(customerId, new { product, starts_at = Now - 3, ends_at = Now + 3 });

        await using var db = fixture.Api.Database.CreateContext();
        var products = db.Entitlements.ActiveProductsOf(customerId, Now);
        var entitled = await db.Entitlements.Where(e => products.Contains(e.Product)).CountAsync();

        Assert.Equal([product], await products.ToListAsync());
        Assert.Equal(2, entitled);
    }

    private async Task<string> CreateAsync(string customerId, object body) =>
        (string)(await (await _admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", body)).AssertOkAsync())["id"]!;

    private async Task<List<string>> ActiveProductsAsync(string customerId)
    {
        await using var db = fixture.Api.Database.CreateContext();
        return await db.ActiveProductsAsync(customerId, Now, CancellationToken.None);
    }

    private async Task<bool> HasActiveAsync(string customerId, string product)
    {
        await using var db = fixture.Api.Database.CreateContext();
        return await db.HasActiveEntitlementAsync(customerId, product, Now, CancellationToken.None);
    }

    private static List<string> Sorted(params string[] products) => [.. products.Order(StringComparer.Ordinal)];

    private static long[] StartsAt(JsonObject list) =>
        list["entitlements"]!.AsArray().Select(e => (long)e!["starts_at"]!).ToArray();
}
