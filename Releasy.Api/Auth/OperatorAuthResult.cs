using Releasy.Api.Http;

namespace Releasy.Api.Auth;

/// <summary>Either the operator's effective role or the error to answer with.</summary>
public readonly record struct OperatorAuthResult(OperatorRole? Role, ApiError? Error)
{
    public static OperatorAuthResult Success(OperatorRole role) => new(role, null);
    public static OperatorAuthResult Failure(ApiError error) => new(null, error);
}
