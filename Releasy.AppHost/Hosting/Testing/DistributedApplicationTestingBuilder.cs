namespace Releasy.AppHost.Hosting.Testing;

/// <summary>
/// In the spirit of Aspire's DistributedApplicationTestingBuilder: runs the AppHost's Program (its real bill of
/// materials) with test settings and hands back the application, not started. Settings: the proxy on a free
/// loopback port, a fresh state directory, and none of the machine's environment variables (hermetic).
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public const string TestStateRoot = "/tmp/releasy-apphost-tests";

    public static DistributedApplication Create(TextWriter output, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(args);
        var entryPoint = typeof(DistributedApplication).Assembly.EntryPoint
            ?? throw new InvalidOperationException("The AppHost assembly has no entry point.");
        // Not a temp subdirectory: those are private (0700), and the postgres account must traverse it.
        var state = Directory.CreateDirectory(Path.Combine(TestStateRoot, Guid.NewGuid().ToString("N")[..12])).FullName;
        string[] defaults = [$"--RELEASY_BIND_ADDR=127.0.0.1:0", $"--{Orchestration.StateDirectory.ConfigurationKey}={state}"];
        return DistributedApplicationTestingHook.Run(
            entryArgs => new DistributedApplicationOptions { Args = [.. defaults, .. entryArgs], IncludeEnvironmentVariables = false, Output = output },
            args,
            entryArgs => entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [entryArgs]));
    }
}
