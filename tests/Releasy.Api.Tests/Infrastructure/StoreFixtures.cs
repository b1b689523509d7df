using Releasy.Testing;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>The embedded filesystem store (<c>RELEASY_ARTIFACT_DIR</c>) in a temp directory of its own.</summary>
public sealed class EmbeddedStoreFixture : ApiFixture
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("releasy-store-").FullName;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    protected override Task<Dictionary<string, string?>?> SettingsAsync() =>
        Task.FromResult<Dictionary<string, string?>?>(new Dictionary<string, string?> { ["RELEASY_ARTIFACT_DIR"] = Directory });
}

/// <summary>The S3 store against s3rver on loopback, path-style.</summary>
public sealed class S3StoreFixture : ApiFixture
{
    public string Endpoint { get; private set; } = "";
    public string Bucket { get; private set; } = "";

    public static async Task<Dictionary<string, string?>> S3SettingsAsync()
    {
        var (endpoint, bucket) = await S3Server.GetAsync();
        return new Dictionary<string, string?>
        {
            ["RELEASY_ARTIFACT_BUCKET"] = bucket,
            ["RELEASY_ARTIFACT_REGION"] = S3Server.Region,
            ["RELEASY_ARTIFACT_ACCESS_KEY"] = S3Server.Credential,
            ["RELEASY_ARTIFACT_SECRET_KEY"] = S3Server.Credential,
            ["RELEASY_ARTIFACT_ENDPOINT"] = endpoint,
            ["RELEASY_ARTIFACT_PATH_STYLE"] = "true",
        };
    }

    protected override async Task<Dictionary<string, string?>?> SettingsAsync()
    {
        (Endpoint, Bucket) = await S3Server.GetAsync();
        return await S3SettingsAsync();
    }
}
