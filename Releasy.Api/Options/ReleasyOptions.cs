namespace Releasy.Api.Options;

/// <summary>Credentials and download settings (contract §7).</summary>
public sealed class ReleasyOptions
{
    public const string DefaultPublicBaseUrl = "http://127.0.0.1:8080";

    /// <summary>Presigned URLs live at most a week (SigV4's limit), and a token's link never outlives the token.</summary>
    public const uint MaxLifetimeSeconds = 604_800;

    /// <summary>The admin bootstrap key; null disables it.</summary>
    public string? AdminApiKey { get; init; }

    /// <summary>Appended to API keys and download tokens before hashing.</summary>
    public string? ApiKeyPepper { get; init; }

    /// <summary>Default and maximum download-token lifetime.</summary>
    public uint DownloadTokenTtlSeconds { get; init; } = 600;

    /// <summary>Base of every <c>download_url</c>, without trailing slash; never taken from request headers.</summary>
    public string PublicBaseUrl { get; init; } = DefaultPublicBaseUrl;

    public static ReleasyOptions FromConfiguration(IConfiguration config)
    {
        var ttl = ConfigReader.UInt32(config, "RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS", 600, 1, MaxLifetimeSeconds);
        return new ReleasyOptions
        {
            DownloadTokenTtlSeconds = ttl,
            PublicBaseUrl = ParsePublicBaseUrl(ConfigReader.Optional(config, "RELEASY_PUBLIC_BASE_URL") ?? DefaultPublicBaseUrl),
            AdminApiKey = ConfigReader.Optional(config, "RELEASY_ADMIN_API_KEY"),
            ApiKeyPepper = ConfigReader.Optional(config, "RELEASY_API_KEY_PEPPER"),
        };
    }

    private static string ParsePublicBaseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new StartupException("RELEASY_PUBLIC_BASE_URL must be a valid URL");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw new StartupException("RELEASY_PUBLIC_BASE_URL must use http or https");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new StartupException("RELEASY_PUBLIC_BASE_URL must include a host");
        }

        return value.TrimEnd('/');
    }
}
