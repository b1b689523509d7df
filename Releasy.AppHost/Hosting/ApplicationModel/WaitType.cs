namespace Releasy.AppHost.Hosting.ApplicationModel;

public enum WaitType
{
    /// <summary>Start once the dependency is healthy.</summary>
    WaitUntilHealthy,

    /// <summary>Start once the dependency has exited with the expected exit code.</summary>
    WaitForCompletion,
}
