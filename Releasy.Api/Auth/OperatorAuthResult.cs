using Releasy.Api.Http;

namespace Releasy.Api.Auth;

/// <summary>
/// Either the operator's roles or the error to answer with. <see cref="Role"/> is the highest role held;
/// <see cref="Roles"/> is every role held, whose permissions add up (contract §0.1, B7).
/// </summary>
public readonly record struct OperatorAuthResult(OperatorRole? Role, ApiError? Error, IReadOnlySet<OperatorRole>? Roles = null)
{
    public static OperatorAuthResult Success(OperatorRole role) => new(role, null, new HashSet<OperatorRole> { role });

    /// <summary>A non-empty set of roles; the highest one becomes <see cref="Role"/>.</summary>
    public static OperatorAuthResult Success(IReadOnlySet<OperatorRole> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return new(roles.Min(), null, roles);
    }

    public static OperatorAuthResult Failure(ApiError error) => new(null, error);

    /// <summary>Every role the caller holds (none on a failure).</summary>
    public IEnumerable<OperatorRole> Granted => Roles ?? Enumerable.Empty<OperatorRole>();
}
