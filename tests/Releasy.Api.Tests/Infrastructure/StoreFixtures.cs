using Releasy.Testing;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>One database and one API with an artifact store, per test class.</summary>
public abstract class StoreFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private ReleasyApiFactory? _factory;

    public ReleasyApiFactory Api => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new ReleasyApiFactory(_database, await SettingsAsync());
        _ = _factory.Server;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected abstract Task<Dictionary<string, string?>> SettingsAsync();
}

/// <summary>The embedded filesystem store (<c>RELEASY_ARTIFACT_DIR</c>) in a temp directory of its own.</summary>
public sealed class EmbeddedStoreFixture : StoreFixture
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("releasy-store-").FullName;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    protected override Task<Dictionary<string, string?>> SettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["RELEASY_ARTIFACT_DIR"] = Directory });
}

/// <summary>The S3 store against s3rver on loopback, path-style.</summary>
public sealed class S3StoreFixture : StoreFixture
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

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        (Endpoint, Bucket) = await S3Server.GetAsync();
        return await S3SettingsAsync();
    }
}

/// <summary>No artifact store at all.</summary>
public sealed class NoStoreFixture : StoreFixture
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}
