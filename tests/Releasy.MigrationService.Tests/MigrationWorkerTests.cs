using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Releasy.Api.Data;
using Releasy.Api.Options;
using Releasy.Testing;

namespace Releasy.MigrationService.Tests;

/// <summary>The migration worker, run as the real process the AppHost starts.</summary>
public sealed partial class MigrationWorkerTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Worker_applies_every_postgres_migration_to_an_empty_database_and_exits_0()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();

        var (exitCode, output) = await RunWorkerAsync(new() { ["ConnectionStrings__releasydb"] = connectionString });

        Assert.True(exitCode == 0, output);
        await AssertFullyMigratedAsync(DatabaseProvider.Postgres, connectionString);
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task Worker_applies_every_sqlite_migration_to_a_new_file_and_exits_0()
    {
        var path = Path.Combine(Path.GetTempPath(), $"releasy-migrate-{Guid.NewGuid():N}.db");

        var (exitCode, output) = await RunWorkerAsync(new() { ["RELEASY_DATABASE_URL"] = $"sqlite://{path}?mode=rwc" });

        Assert.True(exitCode == 0, output);
        await AssertFullyMigratedAsync(DatabaseProvider.Sqlite, $"Data Source={path}");
        File.Delete(path);
    }

    [Fact]
    public async Task Running_the_worker_again_changes_nothing()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__releasydb"] = connectionString };
        await RunWorkerAsync(environment);
        var before = await HistoryAsync(connectionString);

        var (exitCode, output) = await RunWorkerAsync(environment);

        Assert.True(exitCode == 0, output);
        Assert.Equal(0, AppliedCounts(output).Single());
        Assert.Equal(before, await HistoryAsync(connectionString));
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task Two_workers_started_together_apply_each_migration_once()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__releasydb"] = connectionString };

        var results = await Task.WhenAll(RunWorkerAsync(environment), RunWorkerAsync(environment));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        var migrations = AllMigrations(DatabaseProvider.Postgres);
        Assert.Equal(migrations.Count, results.SelectMany(r => AppliedCounts(r.Output)).Sum());
        Assert.Equal(migrations, await HistoryAsync(connectionString));
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task Worker_exits_non_zero_when_the_database_never_becomes_reachable()
    {
        var unreachable = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Password=x;Database=releasydb;Timeout=2";

        var (exitCode, output) = await RunWorkerAsync(new()
        {
            ["ConnectionStrings__releasydb"] = unreachable,
            ["Migrations__WaitSeconds"] = "2",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("Error: \"database migration failed: database not reachable after 2 s\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=x", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_names_a_missing_database_on_a_reachable_server_without_its_password()
    {
        var admin = new NpgsqlConnectionStringBuilder(await PostgresServer.AdminConnectionStringAsync());
        var missing = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = "t_missing_" + Guid.NewGuid().ToString("N") };

        var (exitCode, output) = await RunWorkerAsync(new()
        {
            ["ConnectionStrings__releasydb"] = missing.ConnectionString,
            ["Migrations__WaitSeconds"] = "1",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"Error: \"database migration failed: database '{missing.Database}' does not exist on {admin.Host}:{admin.Port}",
            output, StringComparison.Ordinal);
        Assert.DoesNotContain("not reachable", output, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Password!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_reads_only_its_own_settings_and_migrates_despite_bad_api_settings()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();

        var (exitCode, output) = await RunWorkerAsync(new()
        {
            ["ConnectionStrings__releasydb"] = connectionString,
            ["RELEASY_PUBLIC_BASE_URL"] = "ftp://example.com",
            ["RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS"] = "-5",
            ["RELEASY_BIND_ADDR"] = "localhost:8080",
            ["RELEASY_ARTIFACT_BUCKET"] = "only-the-bucket",
            ["RELEASY_OPERATOR_JWT_LEEWAY_SECONDS"] = "soon",
        });

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("RELEASY_", output, StringComparison.Ordinal);
        await AssertFullyMigratedAsync(DatabaseProvider.Postgres, connectionString);
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task Worker_exits_non_zero_on_an_invalid_database_url()
    {
        var (exitCode, output) = await RunWorkerAsync(new() { ["RELEASY_DATABASE_URL"] = "mysql://db/releasy" });

        Assert.Equal(1, exitCode);
        Assert.Contains("RELEASY_DATABASE_URL must start with postgres:// or sqlite:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public void Each_migration_set_matches_the_model(DatabaseProvider provider)
    {
        using var connection = new DatabaseConnection(Options(provider, provider == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Database=none" : "Data Source=:memory:"));
        using var db = connection.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations lag the model: add a migration to both sets.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    internal static async Task<(int ExitCode, string Output)> RunWorkerAsync(Dictionary<string, string?> environment)
    {
        await using var process = ServiceProcess.Start("Releasy.MigrationService", environment);
        var exitCode = await process.WaitForExitAsync(ExitTimeout);
        return (exitCode, process.Output);
    }

    private static List<int> AppliedCounts(string output) =>
        [.. AppliedPattern().Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static List<string> AllMigrations(DatabaseProvider provider)
    {
        using var connection = new DatabaseConnection(Options(provider, provider == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Database=none" : "Data Source=:memory:"));
        using var db = connection.CreateContext();
        return [.. db.Database.GetMigrations()];
    }

    private static async Task AssertFullyMigratedAsync(DatabaseProvider provider, string connectionString)
    {
        using var connection = new DatabaseConnection(Options(provider, connectionString));
        await using var db = connection.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(AllMigrations(provider), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Customers.CountAsync());
    }

    private static async Task<List<string>> HistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static DatabaseOptions Options(DatabaseProvider provider, string connectionString) =>
        new() { Provider = provider, ConnectionString = connectionString };

    [GeneratedRegex(@"applied (\d+) migration\(s\)")]
    private static partial Regex AppliedPattern();
}
