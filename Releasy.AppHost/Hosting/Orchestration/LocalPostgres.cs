using System.Globalization;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// A private PostgreSQL server run from the machine's binaries: data under <c>.releasy/postgres</c> (kept between
/// runs), a free loopback port, a generated password. As root, everything runs as the <c>postgres</c> account,
/// because PostgreSQL refuses root.
/// </summary>
public sealed class LocalPostgres(IProcessRunner runner, string binDirectory, string directory, TextWriter output)
{
    public const string ServiceAccount = "postgres";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly bool _asServiceAccount = Environment.UserName == "root";

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(directory, "data");

    public IRunningProcess? Process { get; private set; }

    public async Task StartAsync(string password, string resourceName, TimeProvider time, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(password, ct);
        }
        else if (_asServiceAccount)
        {
            await RunAsync("chown", ["-R", $"{ServiceAccount}:{ServiceAccount}", directory], asServiceAccount: false, ct);
        }

        Port = AllocatedEndpoint.FreePort("127.0.0.1");
        Process = runner.Start(new ProcessSpec(resourceName, Path.Combine(binDirectory, "postgres"),
            ["-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", directory, "-c", "listen_addresses=127.0.0.1"])
        {
            RunAsUser = ServiceAccount,
            StopSignal = ProcessSignal.Interrupt,
            OnOutput = line => ConsoleLines.Write(output, resourceName, line),
        });
        await WaitUntilReadyAsync(time, ct);
    }

    /// <summary>Creates the database unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string database, string password, CancellationToken ct)
    {
        var exists = await PsqlAsync(password, $"SELECT 1 FROM pg_database WHERE datname = '{database.Replace("'", "''", StringComparison.Ordinal)}'", ct);
        if (!exists.Contains('1', StringComparison.Ordinal))
        {
            await PsqlAsync(password, $"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", ct);
        }
    }

    public string ConnectionString(string database, string password) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database={database};Username={ServiceAccount};Password={password}";

    private async Task InitializeAsync(string password, CancellationToken ct)
    {
        var passwordFile = Path.Combine(directory, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password, ct);
        try
        {
            if (_asServiceAccount)
            {
                await RunAsync("chown", ["-R", $"{ServiceAccount}:{ServiceAccount}", directory], asServiceAccount: false, ct);
            }

            await RunAsync(Path.Combine(binDirectory, "initdb"),
                ["-N", "-D", DataDirectory, "-U", ServiceAccount, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                 $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"], asServiceAccount: true, ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task WaitUntilReadyAsync(TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < ReadyTimeout)
        {
            if (Process!.Exited.IsCompleted)
            {
                throw new DistributedApplicationException($"PostgreSQL exited with code {await Process.Exited} while starting; see the lines above.");
            }

            var (exitCode, _) = await runner.RunToCompletionAsync(new ProcessSpec("pg_isready", Path.Combine(binDirectory, "pg_isready"),
                ["-q", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture)]), ct);
            if (exitCode == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }

        throw new DistributedApplicationException($"PostgreSQL did not accept connections within {ReadyTimeout.TotalSeconds:0} s.");
    }

    private async Task<string> PsqlAsync(string password, string sql, CancellationToken ct)
    {
        var spec = new ProcessSpec("psql", Path.Combine(binDirectory, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", ServiceAccount, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        {
            Environment = new Dictionary<string, string> { ["PGPASSWORD"] = password },
        };
        var (exitCode, lines) = await runner.RunToCompletionAsync(spec, ct);
        return exitCode == 0
            ? string.Join('\n', lines)
            : throw new DistributedApplicationException($"psql failed (exit code {exitCode}) running '{sql}': {string.Join(' ', lines)}");
    }

    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asServiceAccount, CancellationToken ct)
    {
        var spec = new ProcessSpec(Path.GetFileName(file), file, arguments)
        {
            RunAsUser = asServiceAccount ? ServiceAccount : null,
            OnOutput = line => ConsoleLines.Write(output, Path.GetFileName(file), line),
        };
        var (exitCode, _) = await runner.RunToCompletionAsync(spec, ct);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(file)} failed with exit code {exitCode}; see the lines above.");
        }
    }
}
