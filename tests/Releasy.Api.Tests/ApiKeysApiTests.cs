using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Releasy.Api.Tests;

public sealed partial class ApiKeysApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task CreateApiKey_returns_the_contract_shape_and_stores_only_an_argon2id_hash()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var response = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = $"  {customerId}  ", name = " laptop " });

        var body = await response.AssertOkAsync();
        Assert.Equal(["api_key_id", "api_key", "customer_id", "key_type", "scopes", "expires_at"], body.Select(p => p.Key));
        var secret = (string)body["api_key"]!;
        Assert.Matches(SecretPattern(), secret);
        Assert.Equal(customerId, (string?)body["customer_id"]);
        Assert.Equal("human", (string?)body["key_type"]);
        Assert.Equal(
            """["releases:read","downloads:read","downloads:token","keys:read","keys:write","audit:read"]""",
            body["scopes"]!.ToJsonString());
        Assert.Null(body["expires_at"]);
        Assert.True(body.ContainsKey("expires_at"));
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == (string)body["api_key_id"]!);
        Assert.Equal(secret[..12], row.KeyPrefix);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", row.KeyHash);
        Assert.DoesNotContain(secret, row.KeyHash);
        Assert.Equal(" laptop ", row.Name);
        Assert.Equal(customerId, row.CustomerId);
        Assert.Equal("""["releases:read","downloads:read","downloads:token","keys:read","keys:write","audit:read"]""", row.Scopes);
        Assert.Equal(fixture.Api.Now, row.CreatedAt);
        Assert.Null(row.RevokedAt);
        Assert.Null(row.LastUsedAt);
        Assert.Null(row.ExpiresAt);
    }

    [Fact]
    public async Task CreateApiKey_normalises_scopes_and_key_type()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var expiresAt = fixture.Api.Now + 3600;

        var body = await (await _admin.PostJsonAsync("/v1/admin/keys", new
        {
            customer_id = customerId,
            scopes = new[] { " keys:read ", "", "releases:read", "keys:read", "  ", "releases:read" },
            key_type = "  CI ",
            expires_at = expiresAt,
        })).AssertOkAsync();

        Assert.Equal("""["keys:read","releases:read"]""", body["scopes"]!.ToJsonString());
        Assert.Equal("ci", (string?)body["key_type"]);
        Assert.Equal(expiresAt, (long)body["expires_at"]!);
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == (string)body["api_key_id"]!);
        Assert.Equal("""["keys:read","releases:read"]""", row.Scopes);
        Assert.Equal("ci", row.KeyType);
        Assert.Equal(expiresAt, row.ExpiresAt);
    }

    [Theory]
    [InlineData("integration")]
    [InlineData("Human")]
    public async Task CreateApiKey_accepts_every_key_type_case_insensitively(string keyType)
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var body = await (await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId, key_type = keyType }))
            .AssertOkAsync();

        Assert.Equal(keyType.ToLowerInvariant(), (string?)body["key_type"]);
    }

    [Theory]
    [InlineData("""{"scopes":[]}""", "scopes must not be empty")]
    [InlineData("""{"scopes":[""," "]}""", "scopes must not be empty")]
    [InlineData("""{"scopes":["releases:read","admin"]}""", "invalid scope")]
    [InlineData("""{"scopes":["Keys:Read"]}""", "invalid scope")]
    [InlineData("""{"key_type":""}""", "key_type is required")]
    [InlineData("""{"key_type":"   "}""", "key_type is required")]
    [InlineData("""{"key_type":"robot"}""", "invalid key_type")]
    [InlineData("""{"expires_at":-1}""", "expires_at must be a unix timestamp in seconds")]
    [InlineData("""{"expires_at":10000000001}""", "expires_at must be a unix timestamp in seconds")]
    [InlineData("""{"expires_at":1}""", "expires_at must be in the future")]
    [InlineData("""{"scopes":["invalid"],"key_type":"robot","expires_at":-1}""", "invalid scope")]
    [InlineData("""{"key_type":"robot","expires_at":-1}""", "invalid key_type")]
    public async Task CreateApiKey_rejects_invalid_fields_and_writes_nothing(string fields, string message)
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var request = JsonNode.Parse(fields)!.AsObject();
        request["customer_id"] = customerId;

        var response = await _admin.PostJsonAsync("/v1/admin/keys", request.ToJsonString());

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await AssertNoKeysAsync(customerId);
    }

    [Fact]
    public async Task CreateApiKey_requires_expires_at_strictly_after_now_and_accepts_the_upper_bound()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var atNow = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId, expires_at = fixture.Api.Now });
        var nextSecond = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId, expires_at = fixture.Api.Now + 1 });
        var upperBound = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId, expires_at = 10_000_000_000 });

        await atNow.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "expires_at must be in the future");
        Assert.Equal(fixture.Api.Now + 1, (long)(await nextSecond.AssertOkAsync())["expires_at"]!);
        Assert.Equal(10_000_000_000, (long)(await upperBound.AssertOkAsync())["expires_at"]!);
    }

    [Fact]
    public async Task CreateApiKey_checks_the_customer_id_then_its_existence_before_the_fields()
    {
        var blank = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = "   ", scopes = Array.Empty<string>() });
        var unknown = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = "no-such-customer", scopes = Array.Empty<string>() });

        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "customer_id is required");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
    }

    [Fact]
    public async Task CreateApiKey_works_for_a_suspended_customer()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}", new { suspended = true })).AssertOkAsync();

        var response = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId });

        await response.AssertOkAsync();
    }

    [Theory]
    [InlineData("some-key", "idempotency-key not supported for admin key creation")]
    [InlineData("   ", "idempotency-key must not be empty")]
    [InlineData("clé", "idempotency-key must be valid ASCII")]
    [InlineData(null, "idempotency-key is too long")]
    public async Task CreateApiKey_refuses_any_idempotency_key_after_validating_it(string? key, string message)
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var response = await _admin.PostJsonAsync("/v1/admin/keys", new { customer_id = customerId }, key ?? new string('k', 129));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
        await AssertNoKeysAsync(customerId);
    }

    [Fact]
    public async Task CreateApiKey_checks_credentials_before_the_idempotency_header()
    {
        var response = await fixture.Api.CreateClient().PostJsonAsync("/v1/admin/keys", new { customer_id = "x" }, "some-key");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"customer_id":null}""")]
    [InlineData("""{"customer_id":"c","scopes":"keys:read"}""")]
    [InlineData("""{"customer_id":"c","scopes":["keys:read",null]}""")]
    [InlineData("""{"customer_id":"c","scopes":[1]}""")]
    [InlineData("""{"customer_id":"c","expires_at":1.5}""")]
    [InlineData("""{"customer_id":"c","expires_at":"1"}""")]
    [InlineData("""{"customer_id":"c","key_type":1}""")]
    public async Task CreateApiKey_returns_422_for_the_wrong_shape_before_authentication(string json)
    {
        var response = await fixture.Api.CreateClient().SendJsonAsync(HttpMethod.Post, "/v1/admin/keys", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.StartsWith("Failed to deserialize the JSON body into the target type: ",
            (string?)(await response.ReadObjectAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task CreateApiKey_accepts_null_optional_fields_as_absent()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);

        var body = await (await _admin.PostJsonAsync("/v1/admin/keys",
            $$"""{"customer_id":"{{customerId}}","name":null,"scopes":null,"expires_at":null,"key_type":null}""")).AssertOkAsync();

        Assert.Equal("human", (string?)body["key_type"]);
        Assert.Equal(6, body["scopes"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateApiKey_returns_401_without_credentials()
    {
        var response = await fixture.Api.CreateClient().PostJsonAsync("/v1/admin/keys", new { customer_id = "x" });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task RevokeApiKey_stamps_revoked_at_once_and_returns_the_trimmed_id()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, _) = await TestData.CreateKeyAsync(_admin, customerId);
        var revokedAt = fixture.Api.Now;

        var first = await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = $" {keyId} " });
        fixture.Api.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = keyId });

        Assert.Equal($$"""{"api_key_id":"{{keyId}}"}""", (await first.AssertOkAsync()).ToJsonString());
        await second.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "api key not found or already revoked");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(revokedAt, (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).RevokedAt);
    }

    [Fact]
    public async Task RevokeApiKey_validates_the_id()
    {
        var blank = await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = "  " });
        var unknown = await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = Guid.NewGuid().ToString() });
        var missing = await _admin.SendJsonAsync(HttpMethod.Post, "/v1/admin/keys/revoke", "{}");

        await blank.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "api_key_id is required");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "api key not found or already revoked");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
    }

    [Fact]
    public async Task RevokeApiKey_returns_401_without_credentials()
    {
        var response = await fixture.Api.CreateClient().PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = "x" });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Key_endpoints_answer_503_when_no_admin_key_is_configured()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_ADMIN_API_KEY"] = "" });
        var client = api.CreateClient();

        var create = await client.PostJsonAsync("/v1/admin/keys", new { customer_id = "x" });
        var revoke = await client.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = "x" });

        await create.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "admin api key not configured");
        await revoke.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "admin api key not configured");
    }

    private async Task AssertNoKeysAsync(string customerId)
    {
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(0, await db.ApiKeys.CountAsync(k => k.CustomerId == customerId));
    }

    [GeneratedRegex("^releasy_[A-Za-z0-9_-]{43}$")]
    private static partial Regex SecretPattern();
}
