using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Releasy.Api.Tests.Jwt;

/// <summary>Contract 2.4: what a token must be to be accepted, and the safe 401 for everything else.</summary>
public sealed class JwtValidationTests(JwtFixture fixture) : IClassFixture<JwtFixture>
{
    private const string SupportPath = "/v1/admin/customers?limit=1";
    private readonly JwtEnvironment _env = fixture.Env;

    [Fact]
    public async Task A_valid_RS256_token_with_the_admin_role_creates_a_customer()
    {
        var response = await _env.Bearer(_env.Token("platform_admin")).PostJsonAsync("/v1/admin/customers", new { name = "jwt-" + Guid.NewGuid() });

        await response.AssertOkAsync();
    }

    [Theory]
    [InlineData("alg none")]
    [InlineData("HS256 keyed with the RSA public key")]
    [InlineData("ES256 signed by the published EC key")]
    [InlineData("RS256 header naming the EC key")]
    [InlineData("PS256 by the RSA key")]
    [InlineData("RS384 by the RSA key")]
    [InlineData("signature by another RSA key")]
    [InlineData("payload changed after signing")]
    [InlineData("expired a second ago")]
    [InlineData("not valid for another second")]
    [InlineData("no exp")]
    [InlineData("exp as a string")]
    [InlineData("exp with a fraction")]
    [InlineData("negative exp")]
    [InlineData("issuer with a trailing slash")]
    [InlineData("no issuer")]
    [InlineData("wrong audience")]
    [InlineData("audience array without ours")]
    [InlineData("no audience")]
    [InlineData("no kid")]
    [InlineData("unknown kid")]
    [InlineData("garbage with two dots")]
    [InlineData("header that is not JSON")]
    public async Task A_bad_token_is_refused_with_a_bare_401(string forgery)
    {
        var token = Forge(forgery);

        var response = await _env.Bearer(token).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task A_token_whose_exp_is_now_is_still_accepted()
    {
        var claims = _env.Claims("platform_support");
        claims["exp"] = _env.Now;

        var response = await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath);

        await response.AssertOkAsync();
    }

    [Fact]
    public async Task A_token_is_refused_once_the_clock_passes_its_exp_and_accepted_once_it_reaches_its_nbf()
    {
        var expiring = _env.Claims("platform_support");
        expiring["exp"] = _env.Now + 5;
        var expiringToken = TestTokens.Sign(_env.Rsa, expiring);
        var early = _env.Claims("platform_support");
        early["nbf"] = _env.Now + 5;
        var earlyToken = TestTokens.Sign(_env.Rsa, early);

        await (await _env.Bearer(expiringToken).GetAsync(SupportPath)).AssertOkAsync();
        await (await _env.Bearer(earlyToken).GetAsync(SupportPath))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");

        _env.Api.Clock.Advance(TimeSpan.FromSeconds(5));
        await (await _env.Bearer(expiringToken).GetAsync(SupportPath)).AssertOkAsync();
        await (await _env.Bearer(earlyToken).GetAsync(SupportPath)).AssertOkAsync();

        _env.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        await (await _env.Bearer(expiringToken).GetAsync(SupportPath))
            .AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task Iat_is_not_checked_even_in_the_future()
    {
        var claims = _env.Claims("platform_support");
        claims["iat"] = _env.Now + 86_400;

        await (await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath)).AssertOkAsync();
    }

    [Fact]
    public async Task An_audience_array_containing_ours_is_accepted()
    {
        var claims = _env.Claims("platform_support");
        claims["aud"] = new JsonArray("account", TestTokens.Audience);

        await (await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath)).AssertOkAsync();
    }

    [Fact]
    public async Task A_kid_header_names_the_key_even_when_it_is_not_the_first_in_the_set()
    {
        Assert.Equal(_env.Rsa.Kid, (string?)TestTokens.Header(_env.Token("platform_support"))["kid"]);
        Assert.Equal("RS256", (string?)TestTokens.Header(_env.Token("platform_support"))["alg"]);

        await (await _env.Bearer(_env.Token("platform_support")).GetAsync(SupportPath)).AssertOkAsync();
    }

    private string Forge(string forgery)
    {
        var claims = _env.Claims("platform_admin");
        var other = new TestRsaKey(_env.Rsa.Kid);
        switch (forgery)
        {
            case "alg none": return TestTokens.AlgNone(_env.Rsa.Kid, claims);
            case "HS256 keyed with the RSA public key": return TestTokens.HmacWithPublicKey(_env.Rsa, claims);
            case "ES256 signed by the published EC key": return TestTokens.Sign(_env.Ec, claims);
            case "RS256 header naming the EC key":
                return TestTokens.WithHeader(_env.Rsa, new JsonObject { ["alg"] = "RS256", ["kid"] = _env.Ec.Kid }, claims);
            case "PS256 by the RSA key": return TestTokens.Sign(_env.Rsa, claims, algorithm: SecurityAlgorithms.RsaSsaPssSha256);
            case "RS384 by the RSA key": return TestTokens.Sign(_env.Rsa, claims, algorithm: SecurityAlgorithms.RsaSha384);
            case "signature by another RSA key": return TestTokens.Sign(other, claims);
            case "payload changed after signing":
                var parts = TestTokens.Sign(_env.Rsa, _env.Claims()).Split('.');
                return parts[0] + "." + Base64UrlEncoder.Encode(claims.ToJsonString()) + "." + parts[2];
            case "expired a second ago": claims["exp"] = _env.Now - 1; break;
            case "not valid for another second": claims["nbf"] = _env.Now + 1; break;
            case "no exp": claims.Remove("exp"); break;
            case "exp as a string": claims["exp"] = (_env.Now + 300).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
            case "exp with a fraction": claims["exp"] = _env.Now + 300.5; break;
            case "negative exp": claims["exp"] = -1; break;
            case "issuer with a trailing slash": claims["iss"] = TestTokens.Issuer + "/"; break;
            case "no issuer": claims.Remove("iss"); break;
            case "wrong audience": claims["aud"] = "account"; break;
            case "audience array without ours": claims["aud"] = new JsonArray("account", "releasy"); break;
            case "no audience": claims.Remove("aud"); break;
            case "no kid": return TestTokens.Sign(_env.Rsa, claims, kid: null);
            case "unknown kid": return TestTokens.Sign(_env.Rsa, claims, kid: "not-published");
            case "garbage with two dots": return "not.a.jwt";
            case "header that is not JSON":
                return Base64UrlEncoder.Encode("{nope") + "." + Base64UrlEncoder.Encode(claims.ToJsonString()) + ".c2ln";
            default: throw new ArgumentOutOfRangeException(nameof(forgery), forgery, null);
        }

        return TestTokens.Sign(_env.Rsa, claims);
    }
}
