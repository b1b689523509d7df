using Releasy.Api.Http;

namespace Releasy.Api.Auth;

/// <summary>The role checks of contract 2.5, each with its 403 message.</summary>
public enum RoleCheck
{
    Admin,
    Support,
    Publisher,
    Any,
}

public static class RoleChecks
{
    public static ApiError? Authorize(this RoleCheck check, OperatorRole role) => (check, role) switch
    {
        (_, OperatorRole.PlatformAdmin) or (RoleCheck.Any, _) => null,
        (RoleCheck.Support, OperatorRole.PlatformSupport) => null,
        (RoleCheck.Publisher, OperatorRole.ReleasePublisher) => null,
        (RoleCheck.Admin, _) => ApiError.Forbidden("admin role required"),
        (RoleCheck.Support, _) => ApiError.Forbidden("platform_support role required"),
        _ => ApiError.Forbidden("release_publisher role required"),
    };

    /// <summary>
    /// Contract §0.1 (B7): roles are merged, so the check passes when any role held passes it; otherwise the
    /// check's own 403 message.
    /// </summary>
    public static ApiError? Authorize(this RoleCheck check, IEnumerable<OperatorRole> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ApiError? denied = null;
        foreach (var role in roles)
        {
            denied = check.Authorize(role);
            if (denied is null)
            {
                return null;
            }
        }

        return denied ?? ApiError.Forbidden("missing operator role");
    }
}
