namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>The states an operator sees; the names follow Aspire's.</summary>
public static class KnownResourceStates
{
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Healthy = "Healthy";
    public const string Unhealthy = "Unhealthy";
    public const string Restarting = "Restarting";
    public const string Finished = "Finished";
    public const string Exited = "Exited";
    public const string FailedToStart = "FailedToStart";
    public const string Stopping = "Stopping";
    public const string Stopped = "Stopped";

    public static bool IsTerminal(string state) => state is Finished or Exited or FailedToStart or Stopped;
}
