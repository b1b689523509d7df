using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Hosting;

public sealed class DistributedApplicationOptions
{
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Defaults to the directory recorded in the AppHost assembly at build time.</summary>
    public string? AppHostDirectory { get; init; }

    /// <summary>Off in tests, so the machine's RELEASY_* variables cannot leak into a hermetic topology.</summary>
    public bool IncludeEnvironmentVariables { get; init; } = true;

    public IProcessRunner? ProcessRunner { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where prefixed resource output and state changes go; the console by default.</summary>
    public TextWriter? Output { get; init; }
}
