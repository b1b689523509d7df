using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests;

/// <summary>Customer API key authentication (contract 2.7.2), observed through <c>POST /v1/auth/introspect</c>.</summary>
public sealed class ApiKeyAuthenticationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Introspect = "/v1/auth/introspect";
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task Introspect_describes_the_key_stamps_last_used_at_and_audits_the_acceptance()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId, ["keys:read", "releases:read"], keyType: "integration");
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(42));

        var (response, events) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient(key));

        var body = await response.AssertOkAsync();
        Assert.Equal(
            $$"""{"active":true,"api_key_id":"{{keyId}}","customer_id":"{{customerId}}","key_type":"integration","scopes":["keys:read","releases:read"],"expires_at":null}""",
            body.ToJsonString());
        Assert.Equal(1, await fixture.Api.FlushKeyUsageAsync());
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(fixture.Api.Now, (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt);
        var audit = Assert.Single(events);
        Assert.Equal(customerId, audit.CustomerId);
        Assert.Equal("api_key", audit.Actor);
        Assert.Equal("api_key.auth", audit.Event);
        Assert.Equal(fixture.Api.Now, audit.CreatedAt);
        Assert.Equal($$"""{"api_key_id":"{{keyId}}","outcome":"accept","reason":"ok"}""", audit.Payload);
        Assert.True(Guid.TryParse(audit.Id, out _));
    }

    [Fact]
    public async Task Introspect_returns_the_expiry_and_ignores_any_body()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var expiresAt = fixture.Api.Now + 600;
        var (_, key) = await TestData.CreateKeyAsync(_admin, customerId, expiresAt: expiresAt);

        var response = await fixture.Api.CreateApiKeyClient(key).SendJsonAsync(HttpMethod.Post, Introspect, "{not json");
        var textBody = await fixture.Api.CreateApiKeyClient(key).PostAsync(Introspect, new StringContent("hello"));

        Assert.Equal(expiresAt, (long)(await response.AssertOkAsync())["expires_at"]!);
        await textBody.AssertOkAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("releasy_é")]
    public async Task Introspect_rejects_a_missing_header(string? header)
    {
        var client = fixture.Api.CreateClient();
        if (header is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("x-releasy-api-key", header);
        }

        var (response, events) = await IntrospectAuditedAsync(client);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, null, null, "missing_header");
    }

    [Fact]
    public async Task Introspect_rejects_operator_credentials()
    {
        var (response, events) = await IntrospectAuditedAsync(_admin);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, null, null, "missing_header");
    }

    [Fact]
    public async Task Introspect_rejects_an_unknown_key_and_a_wrong_secret_with_a_known_prefix()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (_, key) = await TestData.CreateKeyAsync(_admin, customerId);
        var samePrefix = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        var (unknown, unknownEvents) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient("releasy_" + new string('x', 43)));
        var (wrong, wrongEvents) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient(samePrefix));

        await unknown.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await wrong.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(unknownEvents, null, null, "not_found");
        AssertRejected(wrongEvents, null, null, "not_found");
    }

    [Fact]
    public async Task Introspect_refuses_keys_of_a_suspended_customer_until_it_is_unsuspended()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId);
        var client = fixture.Api.CreateApiKeyClient(key);
        await (await client.PostAsync(Introspect, null)).AssertOkAsync(); // Verified once: now cached.

        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}", new { suspended = true })).AssertOkAsync();
        var (suspended, events) = await IntrospectAuditedAsync(client);
        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}", new { suspended = false })).AssertOkAsync();
        var unsuspended = await client.PostAsync(Introspect, null);

        await suspended.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, customerId, keyId, "suspended");
        await unsuspended.AssertOkAsync();
    }

    [Fact]
    public async Task Introspect_refuses_a_revoked_key_immediately_even_after_it_was_verified()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId);
        var client = fixture.Api.CreateApiKeyClient(key);
        await (await client.PostAsync(Introspect, null)).AssertOkAsync();

        await (await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = keyId })).AssertOkAsync();
        var (response, events) = await IntrospectAuditedAsync(client);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, customerId, keyId, "revoked");
    }

    [Fact]
    public async Task Introspect_reports_suspension_before_revocation()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId);
        await (await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = keyId })).AssertOkAsync();
        await (await _admin.PatchJsonAsync($"/v1/admin/customers/{customerId}", new { suspended = true })).AssertOkAsync();

        var (response, events) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient(key));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, customerId, keyId, "suspended");
    }

    [Fact]
    public async Task Introspect_treats_a_key_as_expired_from_the_second_of_expires_at()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId, expiresAt: fixture.Api.Now + 60);
        var client = fixture.Api.CreateApiKeyClient(key);

        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(59));
        var lastSecond = await client.PostAsync(Introspect, null);
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        var (atExpiry, events) = await IntrospectAuditedAsync(client);

        await lastSecond.AssertOkAsync();
        await atExpiry.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, customerId, keyId, "expired");
    }

    [Fact]
    public async Task Introspect_without_the_keys_read_scope_is_403_after_an_accepted_authentication()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId, ["releases:read", "keys:write"]);
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(7));

        var (response, events) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient(key));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing scope");
        var audit = Assert.Single(events);
        Assert.Equal($$"""{"api_key_id":"{{keyId}}","outcome":"accept","reason":"ok"}""", audit.Payload);
        await fixture.Api.FlushKeyUsageAsync();
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(fixture.Api.Now, (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"scopes":["keys:read"]}""")]
    [InlineData("""["keys:read",1]""")]
    [InlineData("""["keys:read",null]""")]
    public async Task Introspect_rejects_a_key_whose_stored_scopes_are_not_an_array_of_strings(string stored)
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId);
        await using (var db = fixture.Api.Database.CreateContext())
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Scopes, stored));
        }

        var (response, events) = await IntrospectAuditedAsync(fixture.Api.CreateApiKeyClient(key));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejected(events, customerId, keyId, "invalid_scopes");
    }

    [Fact]
    public async Task Introspect_accepts_a_legacy_sha256_key_and_upgrades_its_hash_to_argon2id()
    {
        const string pepper = "pepper-for-legacy";
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_API_KEY_PEPPER"] = pepper });
        var customerId = await TestData.CreateCustomerAsync(api.CreateAdminClient());
        var secret = "releasy_" + new string('L', 43);
        var keyId = Guid.NewGuid().ToString();
        await using (var db = database.CreateContext())
        {
            db.ApiKeys.Add(new ApiKey
            {
                Id = keyId,
                CustomerId = customerId,
                KeyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret + pepper))),
                KeyPrefix = secret[..12],
                KeyType = "ci",
                Scopes = """["keys:read"]""",
                CreatedAt = api.Now - 1000,
            });
            await db.SaveChangesAsync();
        }

        var first = await api.CreateApiKeyClient(secret).PostAsync(Introspect, null);
        var second = await api.CreateApiKeyClient(secret).PostAsync(Introspect, null);

        Assert.Equal(keyId, (string?)(await first.AssertOkAsync())["api_key_id"]);
        await second.AssertOkAsync();
        await api.FlushKeyUsageAsync();
        await api.FlushAuditAsync();
        await using var check = database.CreateContext();
        var row = await check.ApiKeys.SingleAsync(k => k.Id == keyId);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", row.KeyHash);
        Assert.Equal(api.Now, row.LastUsedAt);
        var payloads = await check.AuditEvents.Where(e => e.CustomerId == customerId).Select(e => e.Payload).ToListAsync();
        Assert.Equal(2, payloads.Count(p => p == $$"""{"api_key_id":"{{keyId}}","outcome":"accept","reason":"ok"}"""));
    }

    [Fact]
    public async Task Introspect_with_a_pepper_refuses_a_key_hashed_without_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_API_KEY_PEPPER"] = "p" });
        var customerId = await TestData.CreateCustomerAsync(api.CreateAdminClient());
        var secret = "releasy_" + new string('N', 43);
        await using (var db = database.CreateContext())
        {
            db.ApiKeys.Add(new ApiKey
            {
                Id = Guid.NewGuid().ToString(),
                CustomerId = customerId,
                KeyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))),
                KeyPrefix = secret[..12],
                KeyType = "human",
                Scopes = """["keys:read"]""",
            });
            await db.SaveChangesAsync();
        }

        var response = await api.CreateApiKeyClient(secret).PostAsync(Introspect, null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    private async Task<(HttpResponseMessage Response, List<AuditEvent> Events)> IntrospectAuditedAsync(HttpClient client)
    {
        HttpResponseMessage? response = null;
        var events = await TestData.AuditEventsWrittenByAsync(fixture.Api,
            async () => response = await client.PostAsync(Introspect, null));
        return (response!, events);
    }

    private static void AssertRejected(List<AuditEvent> events, string? customerId, string? keyId, string reason)
    {
        var audit = Assert.Single(events);
        Assert.Equal(customerId, audit.CustomerId);
        Assert.Equal("api_key", audit.Actor);
        Assert.Equal("api_key.auth", audit.Event);
        var id = keyId is null ? "null" : $"\"{keyId}\"";
        Assert.Equal($$"""{"api_key_id":{{id}},"outcome":"reject","reason":"{{reason}}"}""", audit.Payload);
    }
}
