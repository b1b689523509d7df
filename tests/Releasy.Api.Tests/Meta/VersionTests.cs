using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Releasy.Api.Meta;

namespace Releasy.Api.Tests.Meta;

/// <summary><c>GET /version</c>: the running build and the database's latest applied migration, without credentials.</summary>
public sealed class VersionTests
{
    private const string NextRelease = "99991231000000_NextRelease";

    [Fact]
    public async Task Version_reports_the_build_the_commit_and_the_latest_applied_migration()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database);

        var response = await api.CreateClient().GetAsync("/version");

        var body = await response.AssertOkAsync();
        Assert.Equal(["version", "build", "commit", "schema_migration"], body.Select(p => p.Key));
        var informational = typeof(BuildIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(informational.Split('+')[0], (string?)body["version"]);
        Assert.Equal("dev", (string?)body["build"]);
        // The SDK stamps the commit of the clone the API was built from.
        Assert.Matches("^[0-9a-f]{40}$", (string?)body["commit"]);
        await using var db = database.CreateContext();
        Assert.Equal(db.Database.GetMigrations().Last(), (string?)body["schema_migration"]);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Version_and_build_come_from_RELEASY_VERSION_and_RELEASY_BUILD()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?>
        {
            ["RELEASY_VERSION"] = " 2.4.0 ",
            ["RELEASY_BUILD"] = "ci-917",
        });

        var body = await (await api.CreateClient().GetAsync("/version")).AssertOkAsync();

        Assert.Equal("2.4.0", (string?)body["version"]);
        Assert.Equal("ci-917", (string?)body["build"]);
    }

    [Fact]
    public async Task A_newer_releases_migration_shows_once_the_cached_reading_expires()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database);
        var client = api.CreateClient();
        await using var db = database.CreateContext();
        var current = db.Database.GetMigrations().Last();
        Assert.Equal(current, (string?)(await (await client.GetAsync("/version")).AssertOkAsync())["schema_migration"]);

        await RecordMigrationAsync(db, NextRelease);

        Assert.Equal(current, (string?)(await (await client.GetAsync("/version")).AssertOkAsync())["schema_migration"]);
        api.Clock.Advance(SchemaMigrationReader.CacheFor);
        Assert.Equal(NextRelease, (string?)(await (await client.GetAsync("/version")).AssertOkAsync())["schema_migration"]);
    }

    [Fact]
    public async Task The_api_starts_and_serves_on_a_schema_with_migrations_it_does_not_know()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            await RecordMigrationAsync(db, NextRelease);
        }

        await using var api = new ReleasyApiFactory(database);
        var client = api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ready")).StatusCode);
        Assert.Equal(NextRelease, (string?)(await (await client.GetAsync("/version")).AssertOkAsync())["schema_migration"]);
        await (await api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name = "expanded schema" })).AssertOkAsync();
    }

    /// <summary>What a later release's migration leaves in the history table (its schema change aside).</summary>
    private static Task<int> RecordMigrationAsync(DbContext db, string id) =>
        db.Database.ExecuteSqlRawAsync(
            """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ({0}, '10.0.15')""", id);
}
