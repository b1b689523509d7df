using System.Diagnostics;
using System.Text;

namespace Releasy.Testing;

/// <summary>
/// Runs one of the built Releasy services as a real process (<c>dotnet Releasy.X.dll</c>), with only the
/// environment the test gives it, and captures its output.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGTERM, as an orchestrator does to stop a service (Process.Kill sends SIGKILL).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>The built dll of a service, found beside the test assembly in the artifacts folder.</summary>
    public static string LocateDll(string project)
    {
        var bin = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", ".."));
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(bin, project, configuration, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first: {dll} is missing.");
    }

    public static ServiceProcess Start(string project, IReadOnlyDictionary<string, string?> environment) =>
        StartDll(LocateDll(project), environment);

    /// <summary>Runs a service from any build output, such as an earlier release's.</summary>
    public static ServiceProcess StartDll(string dll, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("RELEASY_", StringComparison.Ordinal)
            || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(info)!);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not exit within {timeout}. Output:\n{Output}");
        }

        _process.WaitForExit(); // Flushes the redirected streams.
        return _process.ExitCode;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
