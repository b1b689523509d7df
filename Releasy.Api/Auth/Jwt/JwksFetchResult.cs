using Microsoft.IdentityModel.Tokens;
using Releasy.Api.Http;

namespace Releasy.Api.Auth.Jwt;

/// <summary>A fetched key set, or the 503 that a failed fetch answers with when nothing else can serve.</summary>
public sealed record JwksFetchResult(JsonWebKeySet? Keys, ApiError? Error)
{
    public static JwksFetchResult Success(JsonWebKeySet keys) => new(keys, null);

    public static readonly JwksFetchResult TimedOut =
        new(null, ApiError.ServiceUnavailable("operator jwks request timed out"));

    public static readonly JwksFetchResult Unavailable =
        new(null, ApiError.ServiceUnavailable("operator jwks unavailable"));
}
