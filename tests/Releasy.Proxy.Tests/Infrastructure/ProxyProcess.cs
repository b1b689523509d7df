using System.Diagnostics;
using System.Text;
using Releasy.Testing;

namespace Releasy.Proxy.Tests.Infrastructure;

/// <summary>
/// Runs the real Releasy.Proxy as its own process, from its build output, with a private copy of its
/// appsettings.json as content root (so a test can edit it) and settings given as environment variables.
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ProxyProcess(Process process, string contentRoot, string url)
    {
        _process = process;
        ContentRoot = contentRoot;
        Url = url;
    }

    public string ContentRoot { get; }

    public string Url { get; }

    public string SettingsPath => Path.Combine(ContentRoot, "appsettings.json");

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public bool HasExited => _process.HasExited;

    public static string ProxyDll => Path.Combine(AppContext.BaseDirectory, "Releasy.Proxy.dll");

    /// <summary>Starts the proxy and waits until it answers <c>/alive</c>.</summary>
    public static async Task<ProxyProcess> StartAsync(
        IDictionary<string, string> environment, string scheme = "http", Func<HttpMessageHandler>? handler = null)
    {
        var proxy = Launch(environment, scheme);
        using var client = proxy.CreateClient(handler?.Invoke());
        try
        {
            await Eventually.UntilAsync(
                async () => proxy.HasExited ? throw new InvalidOperationException("The proxy exited:\n" + proxy.Output) : await client.GetAsync("/alive"),
                r => r.IsSuccessStatusCode,
                "the proxy to answer /alive");
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>Starts the proxy and returns once it has exited, for start-up failures.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string> environment)
    {
        await using var proxy = Launch(environment, "http");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await proxy._process.WaitForExitAsync(timeout.Token);
        return (proxy._process.ExitCode, proxy.Output);
    }

    public HttpClient CreateClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = new Uri(Url) };

    private static ProxyProcess Launch(IDictionary<string, string> environment, string scheme)
    {
        var contentRoot = Directory.CreateTempSubdirectory("releasy-proxy-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(contentRoot, "appsettings.json"));
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = contentRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ProxyDll);
        start.Environment["RELEASY_BIND_ADDR"] = $"127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var proxy = new ProxyProcess(process, contentRoot, $"{scheme}://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return proxy;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) { _output.AppendLine(line); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(ContentRoot, recursive: true);
    }
}
