using System.Diagnostics;
using Npgsql;

namespace Releasy.Testing;

/// <summary>
/// The real PostgreSQL server the tests run on. The test script starts one on loopback and exports
/// <c>RELEASY_TEST_POSTGRES</c>; without it, the first test starts a private instance from the
/// machine's server binaries. A machine without them fails with what to install: tests never skip.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "RELEASY_TEST_POSTGRES";
    private static readonly Lazy<Task<string>> Admin = new(StartOrLocateAsync);

    /// <summary>A superuser connection string to the server's <c>postgres</c> database.</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var admin = await AdminConnectionStringAsync();
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        var sql = template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}";
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartOrLocateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var bin = FindServerBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found. Install them with `apt-get install -y postgresql`, " +
            $"or run the tests through scripts/test.sh, or set {Variable} to a superuser connection string.");
        return await PrivateInstance.StartAsync(bin);
    }

    public static string? FindServerBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    /// <summary>A throwaway cluster in a temp directory, stopped when the test process exits.</summary>
    private static class PrivateInstance
    {
        public static async Task<string> StartAsync(string bin)
        {
            var root = ScratchDirectory.Create("releasy-pg-", inUse: dir => File.Exists(Path.Combine(dir, "data", "postmaster.pid")));
            var password = Guid.NewGuid().ToString("N");
            var port = FreePort.Next();
            await File.WriteAllTextAsync(Path.Combine(root, "pw"), password);
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                await RunAsync("chown", $"-R postgres {root}");
            }

            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"),
                $"-N -D {root}/data -U postgres --auth-host=scram-sha-256 --auth-local=trust --pwfile={root}/pw -E UTF8 --locale=C.UTF-8");
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"),
                $"-D {root}/data -l {root}/log -w -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), $"-D {root}/data -m immediate stop").GetAwaiter().GetResult();
            return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=postgres";
        }

        private static Task RunAsPostgresAsync(bool asRoot, string file, string arguments) =>
            asRoot ? RunAsync("runuser", $"-u postgres -- {file} {arguments}") : RunAsync(file, arguments);

        private static async Task RunAsync(string file, string arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await stderr}{await stdout}");
            }
        }
    }
}
