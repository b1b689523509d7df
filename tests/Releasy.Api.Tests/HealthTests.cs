using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Releasy.Api.Options;

namespace Releasy.Api.Tests;

/// <summary>
/// <c>/health</c> and <c>/ready</c> keep the contract's bodies (3.1) next to the Aspire integration's own
/// DbContext check: <c>{"status":"ok"}</c>, or a 503 saying "database unavailable".
/// </summary>
public sealed class HealthTests
{
    private static readonly string[] Probes = ["/health", "/ready"];

    [Fact]
    public async Task Health_and_ready_answer_ok_then_database_unavailable_when_the_postgres_database_goes_away()
    {
        // PostgreSQL on purpose, in the SQLite run too: the integration's check exists on PostgreSQL only.
        var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Postgres);
        await using var api = new ReleasyApiFactory(database);
        var client = api.CreateClient();
        Assert.Equal(["self", "shutdown", "database", "ReleasyDbContext"], CheckNames(api));
        foreach (var probe in Probes)
        {
            var ok = await client.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("""{"status":"ok"}""", await ok.Content.ReadAsStringAsync());
        }

        await Releasy.Testing.PostgresServer.DropDatabaseAsync(database.ConnectionString);

        foreach (var probe in Probes)
        {
            await (await client.GetAsync(probe)).AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "database unavailable");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/live")).StatusCode);
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Sqlite_keeps_the_contract_check_only()
    {
        var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Sqlite);
        await using var api = new ReleasyApiFactory(database);
        var client = api.CreateClient();

        Assert.Equal(["self", "shutdown", "database"], CheckNames(api));
        foreach (var probe in Probes)
        {
            Assert.Equal("""{"status":"ok"}""", await (await client.GetAsync(probe)).Content.ReadAsStringAsync());
        }

        await database.DisposeAsync();
    }

    private static List<string> CheckNames(ReleasyApiFactory api) =>
        [.. api.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name)];
}
