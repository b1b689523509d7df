namespace Releasy.Api.Options;

/// <summary>Operator JWT verification settings (contract §2.4, §0.3, §7).</summary>
public sealed class OperatorJwtOptions
{
    /// <summary>Enables operator JWTs when set. Not validated at start-up: a bad URL shows as a 503.</summary>
    public string? JwksUrl { get; init; }
    public string? Issuer { get; init; }
    public string? Audience { get; init; }
    public string? Resource { get; init; }
    public uint JwksTtlSeconds { get; init; } = 300;
    public uint LeewaySeconds { get; init; }
    public uint JwksRefreshMinIntervalSeconds { get; init; } = 30;
    public uint JwksGraceSeconds { get; init; } = 600;

    public bool Enabled => JwksUrl is not null;

    public static OperatorJwtOptions FromConfiguration(IConfiguration config) => new()
    {
        JwksUrl = ConfigReader.Optional(config, "RELEASY_OPERATOR_JWKS_URL"),
        Issuer = ConfigReader.Optional(config, "RELEASY_OPERATOR_ISSUER"),
        Audience = ConfigReader.Optional(config, "RELEASY_OPERATOR_AUDIENCE"),
        Resource = ConfigReader.Optional(config, "RELEASY_OPERATOR_RESOURCE"),
        JwksTtlSeconds = ConfigReader.UInt32(config, "RELEASY_OPERATOR_JWKS_TTL_SECONDS", 300),
        LeewaySeconds = ConfigReader.UInt32(config, "RELEASY_OPERATOR_JWT_LEEWAY_SECONDS", 0),
        JwksRefreshMinIntervalSeconds = ConfigReader.UInt32(config, "RELEASY_OPERATOR_JWKS_REFRESH_MIN_INTERVAL_SECONDS", 30),
        JwksGraceSeconds = ConfigReader.UInt32(config, "RELEASY_OPERATOR_JWKS_GRACE_SECONDS", 600),
    };
}
