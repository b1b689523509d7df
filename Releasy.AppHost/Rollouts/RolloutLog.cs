using Microsoft.Extensions.Logging;

namespace Releasy.AppHost.Rollouts;

/// <summary>The lines a rollout writes to the proxy's console log in the dashboard.</summary>
internal static partial class RolloutLog
{
    [LoggerMessage(LogLevel.Information, "rollout {Rollout}: starting")]
    public static partial void Starting(this ILogger logger, string rollout);

    [LoggerMessage(LogLevel.Information, "rollout {Rollout}: {Outcome}")]
    public static partial void Finished(this ILogger logger, string rollout, string outcome);

    [LoggerMessage(LogLevel.Error, "rollout {Rollout} stopped: {Error}")]
    public static partial void Failed(this ILogger logger, string rollout, string error);

    [LoggerMessage(LogLevel.Information, "rollout: {Step}")]
    public static partial void Step(this ILogger logger, string step);
}
