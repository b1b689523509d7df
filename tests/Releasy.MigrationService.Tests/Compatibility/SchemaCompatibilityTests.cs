using System.Net;
using Npgsql;
using Releasy.Testing;

namespace Releasy.MigrationService.Tests.Compatibility;

/// <summary>
/// Expand/contract, end to end: the current migrations, applied by the real migration worker, and the previous
/// release's API (built from its pinned commit) serving its smoke requests on that schema, as during a rollout.
/// </summary>
public sealed class SchemaCompatibilityTests
{
    private const string AdminKey = "previous-release-admin-key";

    /// <summary>What the next release's migration will leave in the history: this build does not know it either.</summary>
    private const string LaterMigration = "99991231000000_LaterRelease";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_previous_release_serves_its_smoke_requests_on_the_current_schema()
    {
        var previousApi = await PreviousRelease.ApiDllAsync();
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var (exitCode, output) = await MigrationWorkerTests.RunWorkerAsync(new() { ["ConnectionStrings__releasydb"] = connectionString });
        Assert.True(exitCode == 0, output);
        await RecordMigrationAsync(connectionString, LaterMigration);
        var artifacts = Directory.CreateTempSubdirectory("releasy-previous-release-");
        var port = FreePort.Next();
        var url = new Uri($"http://127.0.0.1:{port}");

        // RELEASY_MIGRATE_ON_START stays unset (ServiceProcess passes on no RELEASY_* of the test's): the previous
        // release must accept a schema with more migrations than it knows, as it finds it mid-rollout.
        await using (var api = ServiceProcess.StartDll(previousApi, new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = connectionString,
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{port}",
            ["RELEASY_ADMIN_API_KEY"] = AdminKey,
            ["RELEASY_PUBLIC_BASE_URL"] = url.ToString().TrimEnd('/'),
            ["RELEASY_ARTIFACT_DIR"] = artifacts.FullName,
        }))
        {
            await WaitUntilReadyAsync(api, url);
            await new ReleaseSmoke(url, AdminKey).RunAsync($"compat-{Guid.NewGuid():N}");
        }

        await PostgresServer.DropDatabaseAsync(connectionString);
        artifacts.Delete(recursive: true);
    }

    private static async Task WaitUntilReadyAsync(ServiceProcess api, Uri url)
    {
        using var http = new HttpClient { BaseAddress = url };
        try
        {
            await Eventually.UntilAsync(
                async () => api.HasExited
                    ? throw new InvalidOperationException("The previous release's API exited:\n" + api.Output)
                    : (await http.GetAsync("/ready")).StatusCode,
                status => status == HttpStatusCode.OK,
                "the previous release's API to be ready",
                StartTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Output:\n{api.Output}", ex);
        }
    }

    private static async Task RecordMigrationAsync(string connectionString, string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES (@id, '10.0.15')""", connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }
}
