namespace Releasy.AppHost.Hosting.Orchestration;

public static class ProcessRunnerExtensions
{
    /// <summary>Runs a short-lived command and returns its exit code and output lines.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunToCompletionAsync(
        this IProcessRunner runner, ProcessSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(spec);
        var lines = new List<string>();
        var forward = spec.OnOutput;
        var process = runner.Start(spec with
        {
            OnOutput = line =>
            {
                lock (lines) { lines.Add(line); }
                forward?.Invoke(line);
            },
        });
        int exitCode;
        try
        {
            exitCode = await process.Exited.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await process.StopAsync(TimeSpan.FromSeconds(5));
            throw;
        }

        lock (lines) { return (exitCode, lines.ToList()); }
    }
}
