namespace Releasy.Api.Auth;

/// <summary>An operator's one effective role, highest first (contract 2.4 step 11).</summary>
public enum OperatorRole
{
    PlatformAdmin,
    PlatformSupport,
    ReleasePublisher,
}
