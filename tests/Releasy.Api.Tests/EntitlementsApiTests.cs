using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Releasy.Api.Tests;

public sealed class EntitlementsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    private long Now => fixture.Api.Now;

    [Fact]
    public async Task CreateEntitlement_returns_the_view_and_stores_metadata_as_compact_sorted_json()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

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
        var customerId = await TestData.CreateCustomerAsync(_admin);

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
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var response = await _admin.SendJsonAsync(HttpMethod.Post, $"/v1/admin/customers/{customerId}/entitlements", json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(0, await db.Entitlements.CountAsync(e => e.CustomerId == customerId));
    }

    [Fact]
    public async Task CreateEntitlement_accepts_ends_at_equal_to_starts_at()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

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
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var body = await (await _admin.PostJsonAsync($"/v1/admin/customers/%20{customerId}%20/entitlements",
            new { product = "p", starts_at = 1 })).AssertOkAsync();

        Assert.Equal(customerId, (string?)body["customer_id"]);
    }

    [Fact]
    public async Task CreateEntitlement_replays_with_the_same_key_whatever_the_metadata_key_order()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var first = await TestData.CreateCustomerAsync(_admin);
        var second = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var response = await _admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", new { product = "p", starts_at = 1 }, "  ");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "idempotency-key must not be empty");
    }

    [Fact]
    public async Task ListEntitlements_orders_by_starts_at_filters_by_exact_product_and_pages()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);

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
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var id = await CreateAsync(customerId, new { product = "p", starts_at = 1 });
        await using (var db = fixture.Api.Database.CreateContext())
        {
            await db.Entitlements.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Metadata, "{broken"));
        }

        var response = await _admin.GetAsync($"/v1/admin/customers/{customerId}/entitlements");

        await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "invalid entitlement metadata");
    }

    private Task<string> CreateAsync(string customerId, object body) => TestData.CreateEntitlementAsync(_admin, customerId, body);

    private static long[] StartsAt(JsonObject list) =>
        list["entitlements"]!.AsArray().Select(e => (long)e!["starts_at"]!).ToArray();
}
