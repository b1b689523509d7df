namespace Releasy.Api.Tests;

public sealed class CustomersApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _admin = fixture.Api.CreateAdminClient();

    [Fact]
    public async Task CreateCustomer_trims_and_returns_the_contract_shape()
    {
        var response = await _admin.PostJsonAsync("/v1/admin/customers", new { name = "  Acme  ", plan = " core " });

        var body = await response.AssertOkAsync();
        Assert.Equal(["id", "name", "plan", "created_at"], body.Select(p => p.Key));
        Assert.Equal("Acme", (string?)body["name"]);
        Assert.Equal("core", (string?)body["plan"]);
        Assert.Equal(fixture.Api.Now, (long)body["created_at"]!);
        Assert.True(Guid.TryParse((string?)body["id"], out _));
        await using var db = fixture.Api.Database.CreateContext();
        var row = await db.Customers.FindAsync((string)body["id"]!);
        Assert.NotNull(row);
        Assert.Equal("Acme", row.Name);
    }

    [Fact]
    public async Task CreateCustomer_stores_a_blank_plan_as_null()
    {
        var body = await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = "Blank", plan = "   " })).AssertOkAsync();

        Assert.Null(body["plan"]);
        Assert.True(body.ContainsKey("plan"));
    }

    [Fact]
    public async Task CreateCustomer_returns_400_when_name_is_blank_and_writes_nothing()
    {
        await using var db = fixture.Api.Database.CreateContext();
        var before = db.Customers.Count();

        var response = await _admin.PostJsonAsync("/v1/admin/customers", new { name = "  " });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "name is required");
        Assert.Equal(before, db.Customers.Count());
    }

    [Theory]
    [InlineData("{}", "unprocessable_entity")]
    [InlineData("""{"name":null}""", "unprocessable_entity")]
    [InlineData("""{"name":5}""", "unprocessable_entity")]
    [InlineData("""{"name":"a","name":"b"}""", "unprocessable_entity")]
    [InlineData("[]", "unprocessable_entity")]
    public async Task CreateCustomer_returns_422_for_the_wrong_shape(string json, string code)
    {
        var response = await _admin.SendJsonAsync(HttpMethod.Post, "/v1/admin/customers", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.ReadObjectAsync())["error"]!;
        Assert.Equal(code, (string?)error["code"]);
        Assert.StartsWith("Failed to deserialize the JSON body into the target type: ", (string?)error["message"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"name":"a"} x""")]
    public async Task CreateCustomer_returns_400_for_malformed_json(string json)
    {
        var response = await _admin.SendJsonAsync(HttpMethod.Post, "/v1/admin/customers", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadObjectAsync())["error"]!;
        Assert.Equal("bad_request", (string?)error["code"]);
        Assert.StartsWith("Failed to parse the request body as JSON: ", (string?)error["message"]);
    }

    [Fact]
    public async Task CreateCustomer_returns_415_without_a_json_content_type()
    {
        var response = await _admin.PostAsync("/v1/admin/customers", new StringContent("""{"name":"x"}"""));

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type",
            "Expected request with `Content-Type: application/json`");
    }

    [Fact]
    public async Task CreateCustomer_reports_a_bad_body_before_missing_credentials()
    {
        var anonymous = fixture.Api.CreateClient();

        var response = await anonymous.SendJsonAsync(HttpMethod.Post, "/v1/admin/customers", "{");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CreateCustomer_returns_401_for_a_wrong_admin_key()
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", "wrong");

        var response = await client.PostJsonAsync("/v1/admin/customers", new { name = "x" });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task CreateCustomer_replays_an_idempotent_request_and_rejects_a_different_body()
    {
        var key = Guid.NewGuid().ToString();

        var first = await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = "Idem" }, key)).AssertOkAsync();
        var replay = await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = "Idem" }, key)).AssertOkAsync();
        var conflict = await _admin.PostJsonAsync("/v1/admin/customers", new { name = "Other" }, key);

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        await conflict.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_conflict", "idempotency key already used");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, db.Customers.Count(c => c.Name == "Idem"));
    }

    [Fact]
    public async Task CreateCustomer_with_one_key_raced_twice_creates_one_customer()
    {
        var key = Guid.NewGuid().ToString();
        var name = "Race " + key;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            fixture.Api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name }, key)));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_in_progress", "idempotency key already in progress");
        }

        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, db.Customers.Count(c => c.Name == name));
    }

    [Fact]
    public async Task UpdateCustomer_null_plan_clears_it_and_suspension_is_stamped()
    {
        var id = (string)(await (await _admin.PostJsonAsync("/v1/admin/customers", new { name = "P", plan = "gold" })).AssertOkAsync())["id"]!;

        var cleared = await (await _admin.PatchJsonAsync($"/v1/admin/customers/{id}", """{"plan":null}""")).AssertOkAsync();
        fixture.Api.Clock.Advance(TimeSpan.FromSeconds(30));
        var suspended = await (await _admin.PatchJsonAsync($"/v1/admin/customers/{id}", new { suspended = true })).AssertOkAsync();

        Assert.Null(cleared["plan"]);
        Assert.Equal(fixture.Api.Now, (long)suspended["suspended_at"]!);
    }

    [Fact]
    public async Task UpdateCustomer_without_fields_is_400_and_unknown_is_404()
    {
        var empty = await _admin.PatchJsonAsync("/v1/admin/customers/anything", "{}");
        var unknown = await _admin.PatchJsonAsync("/v1/admin/customers/nope", new { name = "x" });

        await empty.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "at least one field must be provided");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "customer not found");
    }

    [Fact]
    public async Task ListCustomers_filters_by_name_substring_case_insensitively()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await _admin.PostJsonAsync("/v1/admin/customers", new { name = $"Zeta {tag} Corp" });

        var body = await (await _admin.GetAsync($"/v1/admin/customers?name={tag.ToUpperInvariant()}")).AssertOkAsync();

        var customers = body["customers"]!.AsArray();
        Assert.Single(customers);
        Assert.Equal(50, (int)body["limit"]!);
        Assert.Equal(0, (int)body["offset"]!);
        Assert.True(customers[0]!.AsObject().ContainsKey("suspended_at"));
    }

    [Theory]
    [InlineData("limit=0", "limit must be positive")]
    [InlineData("limit=201", "limit must be <= 200")]
    public async Task ListCustomers_validates_the_limit(string query, string message)
    {
        var response = await _admin.GetAsync($"/v1/admin/customers?{query}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", message);
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("limit=")]
    [InlineData("offset=99999999999")]
    [InlineData("limit=1&limit=2")]
    public async Task ListCustomers_rejects_an_unparsable_query_before_authentication(string query)
    {
        var response = await fixture.Api.CreateClient().GetAsync($"/v1/admin/customers?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Failed to deserialize query string: ", (string?)(await response.ReadObjectAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_in_the_envelope()
    {
        var unknown = await _admin.GetAsync("/v1/nothing");
        var trailing = await _admin.GetAsync("/v1/admin/customers/");
        var wrongCase = await _admin.GetAsync("/V1/admin/customers");
        var wrongMethod = await _admin.DeleteAsync("/v1/admin/customers");

        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "not found");
        await trailing.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "not found");
        await wrongCase.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "not found");
        await wrongMethod.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed", "method not allowed");
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow.Concat(wrongMethod.Headers.Select(h => h.Key == "Allow" ? string.Join(",", h.Value) : "")));
    }

    [Fact]
    public async Task Health_ready_and_live_answer_ok()
    {
        foreach (var path in new[] { "/health", "/ready", "/live" })
        {
            var body = await (await fixture.Api.CreateClient().GetAsync(path)).AssertOkAsync();
            Assert.Equal("""{"status":"ok"}""", body.ToJsonString());
        }
    }
}
