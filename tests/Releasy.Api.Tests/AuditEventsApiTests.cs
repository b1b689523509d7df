using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests;

public sealed class AuditEventsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Path = "/v1/admin/audit-events";
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task ListAuditEvents_returns_authentication_events_newest_first_with_parsed_payloads()
    {
        var customerId = await TestData.CreateCustomerAsync(_admin);
        var (keyId, key) = await TestData.CreateKeyAsync(_admin, customerId);
        var client = fixture.Api.CreateApiKeyClient(key);
        await (await client.PostAsync("/v1/auth/introspect", null)).AssertOkAsync();
        var acceptedAt = fixture.Api.Now;
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(10));
        await (await _admin.PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = keyId })).AssertOkAsync();
        await client.PostAsync("/v1/auth/introspect", null);
        await fixture.Api.FlushAuditAsync(); // Audit events are written shortly after the response (contract 0.10).

        var body = await (await _admin.GetAsync($"{Path}?customer_id={customerId}")).AssertOkAsync();

        Assert.Equal(["events", "limit", "offset"], body.Select(p => p.Key));
        Assert.Equal(50, (int)body["limit"]!);
        Assert.Equal(0, (long)body["offset"]!);
        var events = body["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        var rejected = events[0]!.AsObject();
        Assert.Equal(["id", "customer_id", "actor", "event", "payload", "created_at"], rejected.Select(p => p.Key));
        Assert.Equal(customerId, (string?)rejected["customer_id"]);
        Assert.Equal("api_key", (string?)rejected["actor"]);
        Assert.Equal("api_key.auth", (string?)rejected["event"]);
        Assert.Equal($$"""{"api_key_id":"{{keyId}}","outcome":"reject","reason":"revoked"}""", rejected["payload"]!.ToJsonString());
        Assert.Equal(fixture.Api.Now, (long)rejected["created_at"]!);
        Assert.Equal($$"""{"api_key_id":"{{keyId}}","outcome":"accept","reason":"ok"}""", events[1]!["payload"]!.ToJsonString());
        Assert.Equal(acceptedAt, (long)events[1]!["created_at"]!);
    }

    [Fact]
    public async Task ListAuditEvents_filters_by_actor_event_and_an_inclusive_time_range()
    {
        var customerId = Guid.NewGuid().ToString();
        var t = fixture.Api.Now;
        await InsertAsync(customerId, "api_key", "api_key.auth", t - 20);
        await InsertAsync(customerId, "api_key", "api_key.auth", t - 10);
        await InsertAsync(customerId, "operator", "api_key.auth", t - 10);
        await InsertAsync(customerId, "api_key", "other.event", t);

        Assert.Equal([t, t - 10, t - 20], await CreatedAtAsync($"customer_id={customerId}&actor=api_key"));
        Assert.Equal([t - 10], await CreatedAtAsync($"customer_id={customerId}&actor=operator"));
        Assert.Equal([t], await CreatedAtAsync($"customer_id={customerId}&event=other.event"));
        Assert.Equal([t - 10, t - 10], await CreatedAtAsync($"customer_id={customerId}&created_from={t - 10}&created_to={t - 10}"));
        Assert.Equal([t, t - 10, t - 10], await CreatedAtAsync($"customer_id={customerId}&created_from={t - 10}"));
        Assert.Equal([t - 10, t - 10, t - 20], await CreatedAtAsync($"customer_id={customerId}&created_to={t - 1}"));
        Assert.Equal([t - 10, t - 10], await CreatedAtAsync($"customer_id={customerId}&limit=2&offset=1"));
        Assert.Empty(await CreatedAtAsync($"customer_id={customerId}&actor=API_KEY"));
    }

    [Fact]
    public async Task ListAuditEvents_ignores_empty_string_filters()
    {
        var customerId = Guid.NewGuid().ToString();
        await InsertAsync(customerId, "api_key", "api_key.auth", fixture.Api.Now);

        var body = await (await _admin.GetAsync($"{Path}?customer_id=%20{customerId}%20&actor=&event=%20&limit=200")).AssertOkAsync();

        Assert.Single(body["events"]!.AsArray());
    }

    [Fact]
    public async Task ListAuditEvents_breaks_created_at_ties_by_id_descending()
    {
        var customerId = Guid.NewGuid().ToString();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await InsertAsync(customerId, "api_key", "api_key.auth", fixture.Api.Now));
        }

        var body = await (await _admin.GetAsync($"{Path}?customer_id={customerId}")).AssertOkAsync();

        Assert.Equal(ids.Order(StringComparer.Ordinal).Reverse(), body["events"]!.AsArray().Select(e => (string)e!["id"]!));
    }

    [Fact]
    public async Task ListAuditEvents_returns_payload_keys_sorted_and_null_for_a_null_payload()
    {
        var customerId = Guid.NewGuid().ToString();
        await InsertAsync(customerId, "x", "with.payload", 2, """{"b":{"d":1,"c":2},"a":[{"y":1,"x":0}]}""");
        await InsertAsync(customerId, "x", "without.payload", 1, null);

        var events = (await (await _admin.GetAsync($"{Path}?customer_id={customerId}")).AssertOkAsync())["events"]!.AsArray();

        Assert.Equal("""{"a":[{"x":0,"y":1}],"b":{"c":2,"d":1}}""", events[0]!["payload"]!.ToJsonString());
        Assert.Null(events[1]!["payload"]);
        Assert.True(events[1]!.AsObject().ContainsKey("payload"));
    }

    [Fact]
    public async Task ListAuditEvents_returns_500_for_a_stored_payload_that_is_not_json()
    {
        var customerId = Guid.NewGuid().ToString();
        await InsertAsync(customerId, "x", "broken", 1, "not json");

        var response = await _admin.GetAsync($"{Path}?customer_id={customerId}");

        await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "invalid audit payload");
    }

    [Theory]
    [InlineData("created_from=-1", "created_from must be >= 0")]
    [InlineData("created_to=-1", "created_to must be >= 0")]
    [InlineData("created_from=-1&created_to=-5", "created_from must be >= 0")]
    [InlineData("created_from=5&created_to=-5", "created_to must be >= 0")]
    [InlineData("created_from=6&created_to=5", "created_from must be <= created_to")]
    [InlineData("created_from=6&created_to=5&limit=0", "created_from must be <= created_to")]
    [InlineData("limit=0", "limit must be positive")]
    [InlineData("limit=201", "limit must be <= 200")]
    public async Task ListAuditEvents_validates_the_range_then_pagination(string query, string message)
    {
        var response = await _admin.GetAsync($"{Path}?{query}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Fact]
    public async Task ListAuditEvents_accepts_a_zero_width_range_at_zero()
    {
        var body = await (await _admin.GetAsync($"{Path}?created_from=0&created_to=0")).AssertOkAsync();

        Assert.Empty(body["events"]!.AsArray());
    }

    [Theory]
    [InlineData("created_from=x")]
    [InlineData("created_from=")]
    [InlineData("created_to=1.5")]
    [InlineData("created_to=99999999999999999999")]
    [InlineData("created_from=1&created_from=2")]
    public async Task ListAuditEvents_rejects_unparsable_bounds_before_authentication(string query)
    {
        var response = await fixture.Api.CreateClient().GetAsync($"{Path}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Failed to deserialize query string: ", (string?)(await response.ReadObjectAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task ListAuditEvents_requires_operator_credentials()
    {
        var anonymous = await fixture.Api.CreateClient().GetAsync(Path);
        var customerKeyOnly = await fixture.Api.CreateApiKeyClient("releasy_" + new string('k', 43)).GetAsync(Path);

        await anonymous.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await customerKeyOnly.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task ListAuditEvents_answers_503_when_no_admin_key_is_configured()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_ADMIN_API_KEY"] = "  " });

        var response = await api.CreateClient().GetAsync(Path);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "admin api key not configured");
    }

    private async Task<long[]> CreatedAtAsync(string query)
    {
        var body = await (await _admin.GetAsync($"{Path}?{query}")).AssertOkAsync();
        return body["events"]!.AsArray().Select(e => (long)e!["created_at"]!).ToArray();
    }

    private async Task<string> InsertAsync(string customerId, string actor, string name, long createdAt, string? payload = "{}")
    {
        await using var db = fixture.Api.Database.CreateContext();
        var row = new AuditEvent
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            Actor = actor,
            Event = name,
            Payload = payload,
            CreatedAt = createdAt,
        };
        db.AuditEvents.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }
}
