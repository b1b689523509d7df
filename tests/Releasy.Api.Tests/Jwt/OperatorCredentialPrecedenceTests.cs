using System.Net.Http.Headers;

namespace Releasy.Api.Tests.Jwt;

/// <summary>Contract 2.2 with §0.1: which operator credential decides when several are sent.</summary>
public sealed class OperatorCredentialPrecedenceTests(JwtFixture fixture) : IClassFixture<JwtFixture>
{
    private readonly JwtEnvironment _env = fixture.Env;

    [Fact]
    public async Task A_correct_admin_key_header_decides_over_a_support_JWT_bearer()
    {
        var client = _env.Bearer(_env.Token("platform_support"));
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", ReleasyApiFactory.AdminKey);

        await (await JwtEnvironment.PostCustomerAsync(client)).AssertOkAsync();
    }

    [Fact]
    public async Task A_wrong_admin_key_header_decides_over_a_valid_admin_JWT_bearer()
    {
        var client = _env.Bearer(_env.Token("platform_admin"));
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", "wrong-key");

        await (await JwtEnvironment.PostCustomerAsync(client)).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task An_admin_key_header_wins_without_the_JWT_being_looked_at()
    {
        var before = _env.Jwks.Requests;
        var client = _env.Bearer(TestTokens.Sign(_env.Rsa, _env.Claims("platform_admin"), kid: "never-published"));
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", ReleasyApiFactory.AdminKey);

        await (await JwtEnvironment.PostCustomerAsync(client)).AssertOkAsync();
        Assert.Equal(before, _env.Jwks.Requests);
    }

    [Fact]
    public async Task The_admin_key_as_a_bearer_value_acts_as_platform_admin()
    {
        await (await JwtEnvironment.PostCustomerAsync(_env.Bearer(ReleasyApiFactory.AdminKey))).AssertOkAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bearer-that-is-not-a-jwt")]
    public async Task Without_a_usable_credential_the_answer_is_401(string? bearer)
    {
        var client = bearer is null ? _env.Api.CreateClient() : _env.Bearer(bearer);

        await (await client.GetAsync("/v1/admin/customers")).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task A_customer_API_key_is_ignored_on_operator_endpoints()
    {
        var client = _env.Api.CreateApiKeyClient(await _env.CreateCustomerKeyAsync());

        await (await client.GetAsync("/v1/admin/customers")).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }
}

/// <summary>§0.1 (B11): a JWT-only deployment answers 401 to anonymous operators; 503 only when nothing is configured.</summary>
public sealed class JwtOnlyDeploymentTests(NoAdminKeyJwtFixture fixture) : IClassFixture<NoAdminKeyJwtFixture>
{
    private readonly JwtEnvironment _env = fixture.Env;

    [Fact]
    public async Task Without_an_admin_key_and_with_JWT_auth_a_request_without_credentials_gets_401()
    {
        await (await _env.Api.CreateClient().GetAsync("/v1/admin/customers"))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Without_an_admin_key_an_admin_key_header_is_no_credential()
    {
        await (await _env.Api.CreateAdminClient().GetAsync("/v1/admin/customers"))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Without_an_admin_key_a_JWT_works_alone()
    {
        await (await _env.Bearer(_env.Token("platform_support")).GetAsync("/v1/admin/customers")).AssertOkAsync();
    }

    [Fact]
    public async Task With_neither_admin_key_nor_JWKS_the_answer_is_503_admin_api_key_not_configured()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_ADMIN_API_KEY"] = "" });
        var jwtBearer = api.CreateClient();
        jwtBearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _env.Token("platform_admin"));

        await (await api.CreateClient().GetAsync("/v1/admin/customers"))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "admin api key not configured");
        await (await jwtBearer.GetAsync("/v1/admin/customers"))
            .AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "admin api key not configured");
    }

    [Fact]
    public async Task A_JWT_bearer_without_JWKS_configured_gets_401_when_an_admin_key_is_set()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _env.Token("platform_admin"));

        await (await client.GetAsync("/v1/admin/customers")).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }
}
