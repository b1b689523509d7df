using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Releasy.Api.Tests.Jwt;

/// <summary>Signs test tokens: properly with JsonWebTokenHandler, or forged the ways attackers forge them.</summary>
public static class TestTokens
{
    public const string Issuer = "https://idp.example.test/realms/releasy";
    public const string Audience = "releasy-api";
    public const string Resource = "releasy-console";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>The claims of a valid token at <paramref name="now"/>: right issuer and audience, 5 minutes left.</summary>
    public static JsonObject Claims(long now, params string[] roles)
    {
        var claims = new JsonObject { ["sub"] = "operator-" + Guid.NewGuid(), ["iss"] = Issuer, ["aud"] = Audience, ["exp"] = now + 300 };
        if (roles.Length > 0)
        {
            claims["roles"] = new JsonArray(roles.Select(r => (JsonNode?)r).ToArray());
        }

        return claims;
    }

    /// <summary>Signed with the key's own algorithm; the kid header is the key's unless overridden (null: none).</summary>
    public static string Sign(TestSigningKey key, JsonObject claims, string? kid = "", string? algorithm = null) =>
        Handler.CreateToken(
            claims.ToJsonString(),
            new SigningCredentials(key.SigningKey(kid == "" ? key.Kid : kid), algorithm ?? key.Algorithm));

    /// <summary>HS256 keyed with the RSA public key's PEM: the classic algorithm-confusion forgery.</summary>
    public static string HmacWithPublicKey(TestRsaKey key, JsonObject claims) =>
        Handler.CreateToken(
            claims.ToJsonString(),
            new SigningCredentials(new SymmetricSecurityKey(key.PublicKeyPem) { KeyId = key.Kid }, SecurityAlgorithms.HmacSha256));

    /// <summary>An unsigned token: <c>alg: none</c>, empty signature.</summary>
    public static string AlgNone(string kid, JsonObject claims) =>
        Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(claims) + ".";

    /// <summary>A token whose header says one thing and whose signature is made by the key as RS256.</summary>
    public static string WithHeader(TestRsaKey key, JsonObject header, JsonObject claims)
    {
        var signingInput = Encode(header) + "." + Encode(claims);
        var provider = new AsymmetricSignatureProvider(key.SigningKey(key.Kid), SecurityAlgorithms.RsaSha256, willCreateSignatures: true);
        var signature = provider.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public static JsonObject Header(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();

    private static string Encode(JsonNode node) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions())));
}
