using Microsoft.IdentityModel.Tokens;
using Releasy.Api.Http;

namespace Releasy.Api.Auth.Jwt;

/// <summary>The outcome of a key lookup: a key, an unknown kid (both null), or a 503.</summary>
public readonly record struct JwksLookup(JsonWebKey? Key, ApiError? Error);
