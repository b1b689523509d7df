namespace Releasy.AppHost.Lifecycle;

internal static class ResourceStates
{
    /// <summary>A process that ran and ended with a non-zero exit code (not one that never started).</summary>
    public static bool IsFailedExit(CustomResourceSnapshot snapshot) =>
        snapshot.ExitCode is { } code && code != 0 &&
        (snapshot.State?.Text == KnownResourceStates.Exited || snapshot.State?.Text == KnownResourceStates.Finished);
}
