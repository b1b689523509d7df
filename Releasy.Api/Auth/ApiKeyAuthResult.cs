using Releasy.Api.Http;

namespace Releasy.Api.Auth;

public readonly record struct ApiKeyAuthResult(ApiKeyPrincipal? Principal, ApiError? Error)
{
    public static ApiKeyAuthResult Success(ApiKeyPrincipal principal) => new(principal, null);
    public static ApiKeyAuthResult Failure(ApiError error) => new(null, error);
}
