using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Releasy.Api.Tests.Jwt;

/// <summary>A key pair the test signs with; <see cref="PublicJwk"/> is what the JWKS server publishes.</summary>
public abstract class TestSigningKey(string kid)
{
    public string Kid { get; } = kid;

    public abstract JsonObject PublicJwk { get; }

    /// <summary>The private key as a signing key, under any kid (null: no kid header).</summary>
    public abstract SecurityKey SigningKey(string? kid);

    public abstract string Algorithm { get; }
}

public sealed class TestRsaKey(string kid) : TestSigningKey(kid)
{
    private readonly RSA _rsa = RSA.Create(2048);

    public override string Algorithm => SecurityAlgorithms.RsaSha256;

    public override JsonObject PublicJwk
    {
        get
        {
            var p = _rsa.ExportParameters(includePrivateParameters: false);
            return new JsonObject
            {
                ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = Kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
        }
    }

    /// <summary>What an attacker would use as an HMAC secret in an algorithm-confusion attack.</summary>
    public byte[] PublicKeyPem => System.Text.Encoding.ASCII.GetBytes(_rsa.ExportSubjectPublicKeyInfoPem());

    public override SecurityKey SigningKey(string? kid) => new RsaSecurityKey(_rsa) { KeyId = kid };
}

public sealed class TestEcKey(string kid) : TestSigningKey(kid)
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public override string Algorithm => SecurityAlgorithms.EcdsaSha256;

    public override JsonObject PublicJwk
    {
        get
        {
            var p = _ec.ExportParameters(includePrivateParameters: false);
            return new JsonObject
            {
                ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["crv"] = "P-256", ["kid"] = Kid,
                ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            };
        }
    }

    public override SecurityKey SigningKey(string? kid) => new ECDsaSecurityKey(_ec) { KeyId = kid };
}
