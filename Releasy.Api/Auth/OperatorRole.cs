namespace Releasy.Api.Auth;

/// <summary>
/// An operator role, highest first (contract 2.4 step 11). A JWT may carry several: per §0.1 (B7) the caller
/// gets the union of their permissions, and the highest one is the caller's reported role.
/// </summary>
public enum OperatorRole
{
    PlatformAdmin,
    PlatformSupport,
    ReleasePublisher,
}
