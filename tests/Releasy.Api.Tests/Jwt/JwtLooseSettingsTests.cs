using System.Text.Json.Nodes;

namespace Releasy.Api.Tests.Jwt;

/// <summary>Without issuer, audience or resource settings those claims are not inspected; a leeway widens exp/nbf.</summary>
public sealed class JwtLooseSettingsTests(LooseJwtFixture fixture) : IClassFixture<LooseJwtFixture>
{
    private const string SupportPath = "/v1/admin/customers?limit=1";
    private readonly JwtEnvironment _env = fixture.Env;

    [Theory]
    [InlineData("exp", -30, HttpStatusCode.OK)]
    [InlineData("exp", -31, HttpStatusCode.Unauthorized)]
    [InlineData("nbf", 30, HttpStatusCode.OK)]
    [InlineData("nbf", 31, HttpStatusCode.Unauthorized)]
    public async Task The_leeway_tolerates_exactly_that_much_clock_skew(string claim, int offset, HttpStatusCode expected)
    {
        var claims = _env.Claims("platform_support");
        claims[claim] = _env.Now + offset;

        var response = await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Issuer_and_audience_are_not_checked_when_not_configured()
    {
        var claims = _env.Claims("platform_support");
        claims.Remove("iss");
        claims["aud"] = new JsonArray("someone-else");

        await (await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath)).AssertOkAsync();
    }

    [Fact]
    public async Task Resource_access_is_ignored_when_no_resource_is_configured()
    {
        var claims = _env.Claims();
        claims["resource_access"] = new JsonObject { [TestTokens.Resource] = new JsonObject { ["roles"] = "platform_admin" } };

        var response = await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing operator role");
    }
}
