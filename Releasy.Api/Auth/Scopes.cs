namespace Releasy.Api.Auth;

/// <summary>Customer API key scopes, in canonical order (contract 2.7.3).</summary>
public static class Scopes
{
    public const string ReleasesRead = "releases:read";
    public const string DownloadsRead = "downloads:read";
    public const string DownloadsToken = "downloads:token";
    public const string KeysRead = "keys:read";
    public const string KeysWrite = "keys:write";
    public const string AuditRead = "audit:read";

    public static readonly IReadOnlyList<string> All =
        [ReleasesRead, DownloadsRead, DownloadsToken, KeysRead, KeysWrite, AuditRead];
}
