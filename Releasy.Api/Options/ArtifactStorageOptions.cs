namespace Releasy.Api.Options;

/// <summary>
/// Where artifacts live: an S3-compatible bucket (all four of bucket, region, access key and secret key),
/// the embedded filesystem store (<c>RELEASY_ARTIFACT_DIR</c>), or nowhere (503 on artifact endpoints).
/// </summary>
public sealed class ArtifactStorageOptions
{
    public string? Bucket { get; init; }
    public string? Region { get; init; }

    /// <summary>Secret: never log.</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret: never log.</summary>
    public string? SecretKey { get; init; }
    public string? Endpoint { get; init; }
    public bool PathStyle { get; init; }
    public uint PresignExpiresSeconds { get; init; } = 900;
    public string? Directory { get; init; }

    public bool S3Enabled => Bucket is not null;
    public bool EmbeddedEnabled => Directory is not null;
    public bool Enabled => S3Enabled || EmbeddedEnabled;

    public static ArtifactStorageOptions FromConfiguration(IConfiguration config)
    {
        var options = new ArtifactStorageOptions
        {
            Bucket = ConfigReader.Optional(config, "RELEASY_ARTIFACT_BUCKET"),
            Region = ConfigReader.Optional(config, "RELEASY_ARTIFACT_REGION"),
            AccessKey = ConfigReader.Optional(config, "RELEASY_ARTIFACT_ACCESS_KEY"),
            SecretKey = ConfigReader.Optional(config, "RELEASY_ARTIFACT_SECRET_KEY"),
            Endpoint = ConfigReader.Optional(config, "RELEASY_ARTIFACT_ENDPOINT"),
            PathStyle = ConfigReader.Boolean(config, "RELEASY_ARTIFACT_PATH_STYLE", false),
            PresignExpiresSeconds = ConfigReader.UInt32(config, "RELEASY_ARTIFACT_PRESIGN_EXPIRES_SECONDS", 900, 1, ReleasyOptions.MaxLifetimeSeconds),
            Directory = ConfigReader.Optional(config, "RELEASY_ARTIFACT_DIR"),
        };

        var set = new[] { options.Bucket, options.Region, options.AccessKey, options.SecretKey }.Count(v => v is not null);
        if (set is not (0 or 4))
        {
            throw new StartupException("artifact storage config requires bucket, region, access key, and secret key");
        }

        if (set == 4 && options.Directory is not null)
        {
            throw new StartupException("RELEASY_ARTIFACT_DIR cannot be combined with RELEASY_ARTIFACT_BUCKET: choose one artifact store");
        }

        return options;
    }
}
