namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Everything needed to start one child process.</summary>
public sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Set on top of the inherited environment (from which Releasy/Aspire wiring variables are removed).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Run under this account when the AppHost is root (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUser { get; init; }

    public ProcessSignal StopSignal { get; init; } = ProcessSignal.Terminate;

    /// <summary>Receives each line of stdout and stderr.</summary>
    public Action<string>? OnOutput { get; init; }
}
