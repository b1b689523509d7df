namespace Releasy.Proxy.Rollouts;

/// <summary>Says in the proxy's log which rollout it applied, or why it kept the previous one.</summary>
internal sealed partial class RolloutReloadLog(RolloutProxyConfiguration rollout, ILogger<RolloutReloadLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        rollout.Reloaded += OnReloaded;
        if (rollout.Rules.HasColours)
        {
            Applied(rollout.Rules);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        rollout.Reloaded -= OnReloaded;
        return Task.CompletedTask;
    }

    private void OnReloaded(RolloutRules rules, string? refusedRevision, string? refusal)
    {
        if (refusal is not null)
        {
            Refused(refusedRevision ?? "-", refusal);
        }
        else
        {
            Applied(rules);
        }
    }

    private void Applied(RolloutRules rules) => Applied(
        rules.Revision ?? "-",
        rules.HasColours ? rules.DefaultColour! : "(none: one api cluster)",
        string.Join(", ", rules.Colours.Select(c => $"{c.Key} ({c.Value.Count})")),
        rules.Assignments.Count);

    [LoggerMessage(LogLevel.Information, "Rollout {Revision} applied: default colour {DefaultColour}; colours {Colours}; {Assignments} assignments")]
    private partial void Applied(string revision, string defaultColour, string colours, int assignments);

    [LoggerMessage(LogLevel.Error, "Rollout {Revision} refused, the previous one stays: {Reason}")]
    private partial void Refused(string revision, string reason);
}
