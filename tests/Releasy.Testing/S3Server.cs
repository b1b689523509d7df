using System.Diagnostics;
using System.Net.Sockets;

namespace Releasy.Testing;

/// <summary>
/// A real S3-compatible server for the artifact tests: s3rver (npm, pinned in tests/package.json) on loopback,
/// started once per test process with one bucket. <c>RELEASY_TEST_S3_ENDPOINT</c> points the tests at a server
/// started elsewhere instead (bucket <c>RELEASY_TEST_S3_BUCKET</c>, credentials <c>S3RVER</c>). A machine without
/// s3rver fails with what to run: tests never skip.
/// </summary>
public static class S3Server
{
    public const string EndpointVariable = "RELEASY_TEST_S3_ENDPOINT";
    public const string BucketVariable = "RELEASY_TEST_S3_BUCKET";
    public const string Credential = "S3RVER";
    public const string Region = "us-east-1";
    private static readonly Lazy<Task<(string Endpoint, string Bucket)>> Instance = new(StartOrLocateAsync);

    /// <summary>The endpoint (<c>http://127.0.0.1:port</c>) and bucket name.</summary>
    public static Task<(string Endpoint, string Bucket)> GetAsync() => Instance.Value;

    private static async Task<(string, string)> StartOrLocateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EndpointVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured.Trim().TrimEnd('/'), Environment.GetEnvironmentVariable(BucketVariable) ?? "releasy-artifacts");
        }

        var root = Repository.Root();
        var script = Path.Combine(root, "tests", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException(
                $"s3rver is not installed ({script} is missing). Run `npm ci --prefix tests` from the repository root " +
                $"(or run the tests through scripts/test.sh), or set {EndpointVariable} to a running S3-compatible server.");
        }

        const string bucket = "releasy-artifacts";
        var data = ScratchDirectory.Create("releasy-s3rver-");
        var port = FreePort.Next();
        // The test host can be killed before its exit handler runs: a watchdog stops s3rver once the host is gone
        // (with SIGKILL: s3rver does not exit on SIGTERM).
        const string watchdog = """node "$@" & server=$!; trap 'kill -KILL $server 2>/dev/null' EXIT; while kill -0 "$HOST_PID" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done""";
        var process = Process.Start(new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", watchdog, "s3rver", script, "-d", data, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--configure-bucket", bucket, "--no-vhost-buckets", "-s" },
            Environment = { ["HOST_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("node could not be started; install Node.js 18 or later.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
                Directory.Delete(data, recursive: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                // Already gone.
            }
        };

        var endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with code {process.ExitCode} before listening on {endpoint}.");
            }

            try
            {
                // Any HTTP answer means it listens; the bucket is configured before the listener opens.
                using var response = await http.GetAsync(new Uri($"{endpoint}/{bucket}"));
                return (endpoint, bucket);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"s3rver did not start listening on {endpoint} within 30 s.");
    }
}
