using Microsoft.EntityFrameworkCore;
using Releasy.Api.Entitlements;

namespace Releasy.Api.Tests;

/// <summary>Entitlement updates and deletions, and the active-window rule on the fake clock (contract 3.5).</summary>
public sealed class EntitlementChangesTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    private long Now => fixture.Api.Now;

    [Fact]
    public async Task UpdateEntitlement_replaces_the_given_fields_and_keeps_the_others()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var otherCustomer = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var otherCustomer = await TestData.CreateCustomerAsync(_admin);
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
        var customerId = await TestData.CreateCustomerAsync(_admin);
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
        Assert.False(await HasActiveAsync(await TestData.CreateCustomerAsync(_admin), starting));

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
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var product = Guid.NewGuid().ToString();
        await CreateAsync(customerId, new { product, starts_at = Now - 5 });
        await CreateAsync(customerId, new { product, starts_at = Now - 3, ends_at = Now + 3 });

        await using var db = fixture.Api.Database.CreateContext();
        var products = db.Entitlements.ActiveProductsOf(customerId, Now);
        var entitled = await db.Entitlements.Where(e => products.Contains(e.Product)).CountAsync();

        Assert.Equal([product], await products.ToListAsync());
        Assert.Equal(2, entitled);
    }

    private Task<string> CreateAsync(string customerId, object body) => TestData.CreateEntitlementAsync(_admin, customerId, body);

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
}
