using System.Diagnostics;
using System.Threading.Channels;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Starts real processes. On Linux each child runs under <c>setpriv --pdeathsig</c>, so the kernel signals it
/// when the AppHost dies, even from SIGKILL. The parent-death signal is tied to the thread that forked the
/// child, so every fork happens on one dedicated thread that lives as long as the AppHost.
/// </summary>
public sealed class ProcessRunner : IProcessRunner
{
    private const string SetPriv = "/usr/bin/setpriv";

    /// <summary>Wiring variables a child must only get explicitly, never inherit from the AppHost.</summary>
    private static readonly string[] ExplicitOnlyPrefixes =
        ["RELEASY_", "ConnectionStrings__", "services__", "ASPNETCORE_URLS", "OTEL_", "HTTP_PORTS", "HTTPS_PORTS"];

    private readonly Channel<(Process Process, TaskCompletionSource Started)> _forks = Channel.CreateUnbounded<(Process, TaskCompletionSource)>();
    private readonly bool _isRoot = Environment.UserName == "root";

    private ProcessRunner()
    {
        var thread = new Thread(ForkLoop) { IsBackground = true, Name = "apphost-process-starter" };
        thread.Start();
    }

    /// <summary>One per process: its forking thread must outlive every child.</summary>
    public static ProcessRunner Shared { get; } = new();

    public static bool CanTieChildrenToParent => OperatingSystem.IsLinux() && File.Exists(SetPriv);

    public IRunningProcess Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var process = new Process { StartInfo = CreateStartInfo(spec), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Forward(spec, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(spec, e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the redirected output before the exit is reported
            exited.TrySetResult(process.ExitCode);
        };

        var started = new TaskCompletionSource();
        _forks.Writer.TryWrite((process, started));
        started.Task.GetAwaiter().GetResult();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningProcess(process, exited.Task, spec.StopSignal);
    }

    private void ForkLoop()
    {
        // Blocking on purpose: this thread exists only to fork, and must never return to a pool.
        while (_forks.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            if (!_forks.Reader.TryRead(out var fork))
            {
                continue;
            }

            var (process, started) = fork;
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    private ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var info = new ProcessStartInfo
        {
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // a child must not read the operator's terminal
        };
        if (CanTieChildrenToParent)
        {
            info.FileName = SetPriv;
            info.ArgumentList.Add("--pdeathsig");
            info.ArgumentList.Add(spec.StopSignal == ProcessSignal.Interrupt ? "SIGINT" : "SIGTERM");
            if (spec.RunAsUser is { } user && _isRoot)
            {
                info.ArgumentList.Add($"--reuid={user}");
                info.ArgumentList.Add($"--regid={user}");
                info.ArgumentList.Add("--init-groups");
            }

            info.ArgumentList.Add("--");
            info.ArgumentList.Add(spec.FileName);
        }
        else
        {
            info.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => ExplicitOnlyPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static void Forward(ProcessSpec spec, string? line)
    {
        if (line is not null)
        {
            spec.OnOutput?.Invoke(line);
        }
    }

    private sealed class RunningProcess(Process process, Task<int> exited, ProcessSignal stopSignal) : IRunningProcess
    {
        public int Id { get; } = process.Id;

        public Task<int> Exited => exited;

        public async Task StopAsync(TimeSpan grace)
        {
            if (exited.IsCompleted)
            {
                return;
            }

            await SignalAsync(stopSignal == ProcessSignal.Interrupt ? "INT" : "TERM");
            try
            {
                await exited.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                await exited;
            }
        }

        /// <summary>.NET can only SIGKILL another process; kill(1) sends the graceful signals.</summary>
        private async Task SignalAsync(string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }
    }
}
