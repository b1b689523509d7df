namespace Releasy.Api.Tests.Infrastructure;

/// <summary>One database and one API per test class. Tests create their own customers and products.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private ReleasyApiFactory? _factory;

    public ReleasyApiFactory Api => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new ReleasyApiFactory(_database);
        _ = _factory.Server; // Start now, so a start-up failure fails here with its message.
    }

    public async Task DisposeAsync()
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
}
