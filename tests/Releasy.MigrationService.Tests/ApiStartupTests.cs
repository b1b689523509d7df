using Releasy.Testing;

namespace Releasy.MigrationService.Tests;

/// <summary>The API's start-up contract: it never serves an unmigrated database, and bad settings stop it with one line.</summary>
public sealed class ApiStartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Api_refuses_to_start_on_an_unmigrated_database_and_names_the_migration_worker()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var port = FreePort.Next();

        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = connectionString,
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{port}",
        });
        var exitCode = await api.WaitForExitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("pending migration", api.Output, StringComparison.Ordinal);
        Assert.Contains("Releasy.MigrationService", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", api.Output, StringComparison.Ordinal);
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task Api_with_migrate_on_start_migrates_then_serves()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var port = FreePort.Next();

        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = connectionString,
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{port}",
            ["RELEASY_MIGRATE_ON_START"] = "true",
        });

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("""{"status":"ok"}""", await PollAsync(http, "/health", api));
        await api.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(connectionString);
    }

    [Theory]
    [InlineData("RELEASY_PUBLIC_BASE_URL", "ftp://example.com", "RELEASY_PUBLIC_BASE_URL must use http or https")]
    [InlineData("RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS", "-5", "RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS must be an integer")]
    [InlineData("RELEASY_BIND_ADDR", "localhost:8080", "invalid RELEASY_BIND_ADDR: localhost:8080")]
    [InlineData("RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS", "700000", "RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS must be between 1 and 604800")]
    [InlineData("RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS", "0", "RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS must be between 1 and 604800")]
    [InlineData("RELEASY_ARTIFACT_PRESIGN_EXPIRES_SECONDS", "604801", "RELEASY_ARTIFACT_PRESIGN_EXPIRES_SECONDS must be between 1 and 604800")]
    [InlineData("RELEASY_ARTIFACT_PRESIGN_EXPIRES_SECONDS", "0", "RELEASY_ARTIFACT_PRESIGN_EXPIRES_SECONDS must be between 1 and 604800")]
    [InlineData("RELEASY_DATABASE_MAX_CONNECTIONS", "0", "RELEASY_DATABASE_MAX_CONNECTIONS must be between 1 and 1000")]
    [InlineData("RELEASY_DATABASE_MAX_CONNECTIONS", "5000", "RELEASY_DATABASE_MAX_CONNECTIONS must be between 1 and 1000")]
    [InlineData("RELEASY_ARTIFACT_BUCKET", "only-the-bucket", "artifact storage config requires bucket, region, access key, and secret key")]
    [InlineData("RELEASY_SHUTDOWN_DRAIN_SECONDS", "-1", "RELEASY_SHUTDOWN_DRAIN_SECONDS must be a whole number of seconds between 0 and 600")]
    [InlineData("RELEASY_SHUTDOWN_GRACE_SECONDS", "0", "RELEASY_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds between 1 and 600")]
    public async Task Api_exits_with_one_clear_line_on_invalid_configuration(string variable, string value, string message)
    {
        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["RELEASY_DATABASE_URL"] = "sqlite::memory:",
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{FreePort.Next()}",
            [variable] = value,
        });

        var exitCode = await api.WaitForExitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.Equal($"Error: \"{message}\"", api.Output.Trim());
    }

    [Fact]
    public async Task Api_reads_a_connection_string_with_a_url_in_its_password_as_a_connection_string()
    {
        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Password=p://w;Database=d;Timeout=2",
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{FreePort.Next()}",
        });

        Assert.Equal(1, await api.WaitForExitAsync(Timeout));
        // Parsed as Npgsql's: the start-up fails on connecting, not on a URL parser naming another variable.
        Assert.Contains("Error: \"database connect failed: ", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("RELEASY_DATABASE_URL", api.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("p://w", api.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_names_the_connection_string_variable_when_its_url_is_bad()
    {
        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__releasydb"] = "mysql://u:p@127.0.0.1/d",
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{FreePort.Next()}",
        });

        Assert.Equal(1, await api.WaitForExitAsync(Timeout));
        Assert.Equal("Error: \"ConnectionStrings__releasydb must start with postgres:// or sqlite:\"", api.Output.Trim());
    }

    [Fact]
    public async Task Api_without_a_database_setting_says_which_variable_is_missing()
    {
        await using var api = ServiceProcess.Start("Releasy.Api", new Dictionary<string, string?>
        {
            ["RELEASY_BIND_ADDR"] = $"127.0.0.1:{FreePort.Next()}",
        });

        Assert.Equal(1, await api.WaitForExitAsync(Timeout));
        Assert.Equal("Error: \"missing required env var: RELEASY_DATABASE_URL\"", api.Output.Trim());
    }

    private static async Task<string> PollAsync(HttpClient http, string path, ServiceProcess api)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            Assert.False(api.HasExited, api.Output);
            try
            {
                var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadAsStringAsync();
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} never answered. Output:\n{api.Output}");
    }
}
