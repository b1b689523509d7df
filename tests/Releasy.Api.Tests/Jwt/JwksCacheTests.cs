namespace Releasy.Api.Tests.Jwt;

/// <summary>
/// The JWKS cache (contract 2.4 and §0.3): TTL, key rotation, the refetch rate limit, outages with a grace
/// period, the fetch policy (timeout, one retry) and recovery. Each test has its own API, so its own cache.
/// Defaults: TTL 300 s, minimum refetch interval 30 s, grace 600 s.
/// </summary>
public sealed class JwksCacheTests
{
    private const string SupportPath = "/v1/admin/customers?limit=1";

    [Fact]
    public async Task The_set_is_reused_for_the_TTL_inclusive_and_fetched_again_after_it()
    {
        await using var env = await JwtEnvironment.StartAsync();
        var token = env.Token("platform_support");

        await AssertAcceptedAsync(env, token);
        env.Api.Clock.Advance(TimeSpan.FromSeconds(300));
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        Assert.Equal(1, env.Jwks.Requests);

        env.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        Assert.Equal(2, env.Jwks.Requests);
    }

    [Fact]
    public async Task A_rotated_key_is_accepted_after_one_refetch()
    {
        await using var env = await JwtEnvironment.StartAsync();
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        var rotated = new TestRsaKey("rotated-" + Guid.NewGuid().ToString("N")[..8]);
        env.Jwks.Publish(rotated, env.Rsa);
        env.Api.Clock.Advance(TimeSpan.FromSeconds(30));

        await AssertAcceptedAsync(env, TestTokens.Sign(rotated, env.Claims("platform_support")));
        await AssertAcceptedAsync(env, TestTokens.Sign(rotated, env.Claims("platform_support")));

        Assert.Equal(2, env.Jwks.Requests);
    }

    [Fact]
    public async Task A_key_rotated_within_the_minimum_interval_of_the_last_fetch_waits_for_the_interval()
    {
        await using var env = await JwtEnvironment.StartAsync();
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        var rotated = new TestRsaKey("rotated-" + Guid.NewGuid().ToString("N")[..8]);
        env.Jwks.Publish(rotated);
        var token = TestTokens.Sign(rotated, env.Claims("platform_support"));

        env.Api.Clock.Advance(TimeSpan.FromSeconds(29));
        await AssertUnauthorizedAsync(env, token);
        Assert.Equal(1, env.Jwks.Requests);

        env.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertAcceptedAsync(env, token);
        Assert.Equal(2, env.Jwks.Requests);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_fetches_at_most_once_per_minimum_interval()
    {
        await using var env = await JwtEnvironment.StartAsync();
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        env.Api.Clock.Advance(TimeSpan.FromSeconds(30));

        await FloodAsync(env, 25);
        Assert.Equal(2, env.Jwks.Requests);

        env.Api.Clock.Advance(TimeSpan.FromSeconds(29));
        await FloodAsync(env, 25);
        Assert.Equal(2, env.Jwks.Requests);

        env.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        await FloodAsync(env, 25);
        Assert.Equal(3, env.Jwks.Requests);

        // The known key keeps working throughout.
        await AssertAcceptedAsync(env, env.Token("platform_support"));
    }

    [Fact]
    public async Task During_an_outage_the_last_good_set_serves_through_the_grace_period_then_503_then_recovery()
    {
        await using var env = await JwtEnvironment.StartAsync();
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        env.Jwks.Behave(JwksBehaviour.ServerError);

        env.Api.Clock.Advance(TimeSpan.FromSeconds(301));
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        Assert.Equal(3, env.Jwks.Requests); // the failed refetch: one attempt and its one retry

        env.Api.Clock.Advance(TimeSpan.FromSeconds(29));
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        Assert.Equal(3, env.Jwks.Requests); // a failed refetch is retried at most once per interval

        env.Api.Clock.Advance(TimeSpan.FromSeconds(570)); // fetched_at + TTL + grace exactly
        await AssertAcceptedAsync(env, env.Token("platform_support"));

        env.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        var outage = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);
        await outage.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");

        env.Jwks.Behave(JwksBehaviour.Serve);
        await AssertAcceptedAsync(env, env.Token("platform_support"));
    }

    [Fact]
    public async Task With_no_grace_an_expired_set_is_never_served_stale()
    {
        await using var env = await JwtEnvironment.StartAsync(new Dictionary<string, string?> { ["RELEASY_OPERATOR_JWKS_GRACE_SECONDS"] = "0" });
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        env.Jwks.Behave(JwksBehaviour.ServerError);
        env.Api.Clock.Advance(TimeSpan.FromSeconds(301));

        var response = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
    }

    [Fact]
    public async Task A_failed_unknown_kid_refetch_keeps_the_good_set_and_refuses_only_the_unknown_kid()
    {
        await using var env = await JwtEnvironment.StartAsync();
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        env.Jwks.Behave(JwksBehaviour.ServerError);
        env.Api.Clock.Advance(TimeSpan.FromSeconds(30));

        await AssertUnauthorizedAsync(env, TestTokens.Sign(env.Rsa, env.Claims("platform_support"), kid: "unknown"));
        await AssertAcceptedAsync(env, env.Token("platform_support"));
        Assert.Equal(3, env.Jwks.Requests);
    }

    [Theory]
    [InlineData(JwksBehaviour.ServerError, 2)]
    [InlineData(JwksBehaviour.NotFound, 1)]
    [InlineData(JwksBehaviour.Garbage, 1)]
    public async Task Without_a_cached_set_a_failing_JWKS_gives_503_and_only_a_5xx_is_retried_once(JwksBehaviour behaviour, int requests)
    {
        await using var env = await JwtEnvironment.StartAsync();
        env.Jwks.Behave(behaviour);

        var response = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
        Assert.Equal(requests, env.Jwks.Requests);
    }

    [Fact]
    public async Task A_JWKS_that_does_not_answer_in_time_gives_503_timed_out_without_a_retry()
    {
        await using var env = await JwtEnvironment.StartAsync(new Dictionary<string, string?> { ["Releasy:Jwks:AttemptTimeout"] = "00:00:01" });
        env.Jwks.Behave(JwksBehaviour.Hang);

        var response = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks request timed out");
        Assert.Equal(1, env.Jwks.Requests);
        env.Jwks.Behave(JwksBehaviour.Serve);
        await AssertAcceptedAsync(env, env.Token("platform_support"));
    }

    [Fact]
    public async Task An_unreachable_JWKS_gives_503_unavailable()
    {
        await using var env = await JwtEnvironment.StartAsync(new Dictionary<string, string?>
        {
            ["RELEASY_OPERATOR_JWKS_URL"] = "http://127.0.0.1:1/certs",
        });

        var response = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
    }

    [Fact]
    public async Task An_invalid_JWKS_URL_gives_503_unavailable()
    {
        await using var env = await JwtEnvironment.StartAsync(new Dictionary<string, string?> { ["RELEASY_OPERATOR_JWKS_URL"] = "not a url" });

        var response = await env.Bearer(env.Token("platform_support")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
    }

    [Fact]
    public async Task Admin_key_requests_keep_working_while_the_JWKS_is_down()
    {
        await using var env = await JwtEnvironment.StartAsync();
        env.Jwks.Behave(JwksBehaviour.ServerError);

        await (await env.Bearer(env.Token("platform_admin")).GetAsync(SupportPath))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
        await (await env.Api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name = "jwt-" + Guid.NewGuid() })).AssertOkAsync();
        await (await env.Bearer(ReleasyApiFactory.AdminKey).GetAsync(SupportPath)).AssertOkAsync();
    }

    /// <summary>Needs <c>POST /v1/auth/introspect</c> (API keys branch).</summary>
    [Fact]
    public async Task Customer_key_requests_keep_working_while_the_JWKS_is_down()
    {
        await using var env = await JwtEnvironment.StartAsync();
        env.Jwks.Behave(JwksBehaviour.ServerError);
        var customer = env.Api.CreateApiKeyClient(await env.CreateCustomerKeyAsync());

        await (await env.Bearer(env.Token("platform_admin")).GetAsync(SupportPath))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "operator jwks unavailable");
        await (await customer.PostAsync("/v1/auth/introspect", null)).AssertOkAsync();
    }

    private static async Task FloodAsync(JwtEnvironment env, int count)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            env.Bearer(TestTokens.Sign(env.Rsa, env.Claims("platform_admin"), kid: "flood-" + i)).GetAsync(SupportPath)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    private static async Task AssertAcceptedAsync(JwtEnvironment env, string token) =>
        await (await env.Bearer(token).GetAsync(SupportPath)).AssertOkAsync();

    private static async Task AssertUnauthorizedAsync(JwtEnvironment env, string token) =>
        await (await env.Bearer(token).GetAsync(SupportPath)).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
}
