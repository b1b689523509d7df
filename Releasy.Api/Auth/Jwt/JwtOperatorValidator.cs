using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Releasy.Api.Http;
using Releasy.Api.Options;

namespace Releasy.Api.Auth.Jwt;

/// <summary>
/// Operator JWT validation, in the order of contract 2.4. Every refusal is the same 401 <c>unauthorized</c>:
/// the reason goes to the log only (never the token). RS256 with an RSA key is the only accepted pairing, so
/// <c>alg: none</c>, HS256 keyed with the public key, and EC-signed tokens are all refused.
/// Lifetime checks use the injected clock, not the handler's.
/// </summary>
public sealed partial class JwtOperatorValidator(
    JwksCache jwks, ReleasySettings settings, TimeProvider clock, ILogger<JwtOperatorValidator> logger)
    : IOperatorJwtValidator
{
    private const string Rs256 = SecurityAlgorithms.RsaSha256;
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly OperatorJwtOptions _options = settings.Operator;

    public async Task<OperatorAuthResult> ValidateAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return Reject("malformed", null);
        }

        if (!jwt.TryGetHeaderValue<string>(JwtHeaderParameterNames.Kid, out var kid) || string.IsNullOrEmpty(kid))
        {
            return Reject("missing_kid", null);
        }

        var lookup = await jwks.FindAsync(kid, ct);
        if (lookup.Error is { } unavailable)
        {
            return OperatorAuthResult.Failure(unavailable);
        }

        if (lookup.Key is not { } jwk)
        {
            return Reject("unknown_kid", kid);
        }

        if (!string.Equals(jwk.Kty, JsonWebAlgorithmsKeyTypes.RSA, StringComparison.Ordinal))
        {
            return Reject("key_not_rsa", kid);
        }

        if (!string.Equals(jwt.Alg, Rs256, StringComparison.Ordinal))
        {
            return Reject("alg_not_rs256", kid);
        }

        if (ToRsaKey(jwk, kid) is not { } key)
        {
            return Reject("unusable_key", kid);
        }

        var verified = await Handler.ValidateTokenAsync(jwt, SignatureOnly(key));
        if (!verified.IsValid)
        {
            return Reject("bad_signature", kid);
        }

        return CheckClaims(jwt, kid);
    }

    private OperatorAuthResult CheckClaims(JsonWebToken jwt, string kid)
    {
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            payload = document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Reject("malformed_payload", kid);
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (OperatorClaims.Check(payload, now, _options) is { } reason)
        {
            return Reject(reason, kid);
        }

        var roles = OperatorClaims.Roles(payload, _options.Resource);
        if (roles.Count == 0)
        {
            LogNoRole(logger, kid);
            return OperatorAuthResult.Failure(ApiError.Forbidden("missing operator role"));
        }

        var result = OperatorAuthResult.Success(roles);
        LogAccepted(logger, kid, result.Role!.Value);
        return result;
    }

    private static RsaSecurityKey? ToRsaKey(JsonWebKey jwk, string kid)
    {
        if (string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
        {
            return null;
        }

        try
        {
            var parameters = new RSAParameters
            {
                Modulus = Base64UrlEncoder.DecodeBytes(jwk.N),
                Exponent = Base64UrlEncoder.DecodeBytes(jwk.E),
            };
            return new RsaSecurityKey(parameters) { KeyId = kid };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The handler checks the signature only; every claim is checked by <see cref="OperatorClaims"/>.</summary>
    private static TokenValidationParameters SignatureOnly(SecurityKey key) => new()
    {
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [Rs256],
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false,
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
    };

    private OperatorAuthResult Reject(string reason, string? kid)
    {
        LogRejected(logger, reason, kid);
        return OperatorAuthResult.Failure(ApiError.Unauthorized());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator JWT rejected: {Reason} (kid {Kid})")]
    private static partial void LogRejected(ILogger logger, string reason, string? kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator JWT (kid {Kid}) carries no operator role")]
    private static partial void LogNoRole(ILogger logger, string kid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Operator JWT (kid {Kid}) accepted as {Role}")]
    private static partial void LogAccepted(ILogger logger, string kid, OperatorRole role);
}
