namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// One database and one API per test class, with no artifact store unless a subclass configures one.
/// Tests create their own customers and products.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private ReleasyApiFactory? _factory;

    public ReleasyApiFactory Api => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new ReleasyApiFactory(_database, await SettingsAsync());
        _ = _factory.Server; // Start now, so a start-up failure fails here with its message.
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

    /// <summary>Settings on top of the factory's defaults.</summary>
    protected virtual Task<Dictionary<string, string?>?> SettingsAsync() => Task.FromResult<Dictionary<string, string?>?>(null);
}
