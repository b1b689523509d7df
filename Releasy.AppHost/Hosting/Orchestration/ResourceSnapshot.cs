namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>The state of one running instance (one replica) of a resource.</summary>
public sealed record ResourceSnapshot(string Instance, string ResourceName, string State)
{
    public int? ExitCode { get; init; }

    public int? ProcessId { get; init; }

    public string? Url { get; init; }

    /// <summary>Why the state changed, for states an operator must act on.</summary>
    public string? Reason { get; init; }
}
