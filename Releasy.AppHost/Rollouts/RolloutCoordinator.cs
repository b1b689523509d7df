using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Releasy.AppHost.Lifecycle;

namespace Releasy.AppHost.Rollouts;

/// <summary>
/// Carries out the rollouts, one at a time, with Aspire's own services: instances start and stop through
/// <see cref="ResourceCommandService"/> (a stop is a SIGTERM, which the API answers by draining), their health comes
/// from <see cref="ResourceNotificationService"/>, and each step is written to the proxy's console log. The proxy is
/// steered only through its rollout file: an instance leaves the rotation before it is stopped, and joins it only
/// once healthy.
/// </summary>
internal sealed class RolloutCoordinator(
    RolloutTopology topology,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    IntentionalStops intentionalStops,
    TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _revision;

    public RolloutPlan Plan { get; private set; } = RolloutPlan.Initial(topology.Colours[0]);

    private ILogger Log => logs.GetLogger(topology.Proxy);

    /// <summary>Writes the current plan, as the proxy (re)starts.</summary>
    public Task WriteAsync(CancellationToken ct) => topology.File.WriteAsync(Plan, _revision, topology.AddressOf, ct);

    /// <summary>Blue/green: the other colour starts, becomes the default, and the old one drains and stops.</summary>
    public Task<ExecuteCommandResult> SwitchAsync(CancellationToken ct) =>
        RunAsync("blue/green", async () =>
        {
            var target = topology.Colours.First(c => c.Colour != Plan.DefaultColour);
            return await SwitchToAsync(target, ct).ConfigureAwait(false);
        }, ct);

    /// <summary>Switches back to the colour that was the default before the last switch.</summary>
    public Task<ExecuteCommandResult> RollbackAsync(CancellationToken ct) =>
        RunAsync("rollback", async () => Plan.PreviousColour is { } previous
            ? await SwitchToAsync(topology.ColourSet(previous), ct).ConfigureAwait(false)
            : throw new InvalidOperationException("there is nothing to roll back to: no switch has happened"), ct);

    /// <summary>Replaces every live instance, one at a time; each is healthy and back in rotation before the next goes.</summary>
    public Task<ExecuteCommandResult> RollingRestartAsync(CancellationToken ct) =>
        RunAsync("rolling restart", async () =>
        {
            var restarted = new List<string>();
            foreach (var set in topology.Colours.Where(c => Plan.IsLive(c.Colour)))
            {
                foreach (var instance in set.Resources.Where(r => Plan.InRotation[set.Colour].Contains(r.Name)).ToList())
                {
                    await ApplyAsync(Plan.WithoutInstance(set.Colour, instance.Name), $"{instance.Name} leaves the rotation", ct).ConfigureAwait(false);
                    await StopAsync(instance, ct).ConfigureAwait(false);
                    await StartAsync(instance, ct).ConfigureAwait(false);
                    await ApplyAsync(Plan.WithInstance(set, instance.Name), $"{instance.Name} is back in rotation", ct).ConfigureAwait(false);
                    restarted.Add(instance.Name);
                }
            }

            return $"restarted {string.Join(", ", restarted)} one at a time";
        }, ct);

    /// <summary>
    /// Rainbow: starts <paramref name="colour"/> if it is not live, then makes it the default, or, with a key prefix,
    /// the colour of that customer. Every other live colour stays live.
    /// </summary>
    public Task<ExecuteCommandResult> RouteAsync(string colour, string? keyPrefix, CancellationToken ct) =>
        RunAsync("rainbow", async () =>
        {
            var set = topology.ColourSet(colour);
            await GoLiveAsync(set, ct).ConfigureAwait(false);
            if (keyPrefix is null)
            {
                await ApplyAsync(Plan.WithDefault(colour), $"{colour} is the default colour", ct).ConfigureAwait(false);
                return $"{colour} is the default colour; live: {string.Join(", ", Plan.LiveColours)}";
            }

            await ApplyAsync(Plan.WithAssignment(keyPrefix, colour), $"API keys {keyPrefix}… go to {colour}", ct).ConfigureAwait(false);
            return $"API keys {keyPrefix}… go to {colour}; default {Plan.DefaultColour}; live: {string.Join(", ", Plan.LiveColours)}";
        }, ct);

    public void Dispose() => _gate.Dispose();

    private async Task<string> SwitchToAsync(ColourSet target, CancellationToken ct)
    {
        var old = Plan.DefaultColour;
        if (old == target.Colour)
        {
            return $"{old} is already the default colour";
        }

        await GoLiveAsync(target, ct).ConfigureAwait(false);
        await ApplyAsync(Plan.WithDefault(target.Colour).WithoutColour(old), $"{target.Colour} is the default colour; {old} leaves the rotation", ct).ConfigureAwait(false);
        foreach (var instance in topology.ColourSet(old).Resources)
        {
            await StopAsync(instance, ct).ConfigureAwait(false);
        }

        return $"switched from {old} to {target.Colour}; {old} is stopped";
    }

    /// <summary>Starts the colour's stopped instances, waits until all are healthy, and puts them in rotation.</summary>
    private async Task GoLiveAsync(ColourSet set, CancellationToken ct)
    {
        await Task.WhenAll(set.Resources.Select(r => StartAsync(r, ct))).ConfigureAwait(false);
        if (!Plan.IsLive(set.Colour) || Plan.InRotation[set.Colour].Count != set.Instances.Count)
        {
            await ApplyAsync(Plan.WithColour(set), $"{set.Colour} joins the rotation", ct).ConfigureAwait(false);
        }
    }

    private async Task<ExecuteCommandResult> RunAsync(string name, Func<Task<string>> rollout, CancellationToken ct)
    {
        if (!await _gate.WaitAsync(TimeSpan.Zero, ct).ConfigureAwait(false))
        {
            return CommandResults.Failure("another rollout is running");
        }

        try
        {
            Log.Starting(name);
            var outcome = await rollout().ConfigureAwait(false);
            Log.Finished(name, outcome);
            return CommandResults.Success(outcome);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            Log.Failed(name, ex.Message);
            return CommandResults.Failure($"{name} stopped: {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes the plan, waits until the proxy's log says it applied it (a refused or unnoticed file stops the rollout
    /// before any instance is stopped), then waits for the requests already sent under the old plan to finish.
    /// </summary>
    private async Task ApplyAsync(RolloutPlan plan, string step, CancellationToken ct)
    {
        var revision = _revision + 1;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(topology.Settings.HealthyTimeout);
        var applied = ProxyLogsAsync(RolloutFile.AppliedLine(revision), timeout.Token);
        await topology.File.WriteAsync(plan, revision, topology.AddressOf, ct).ConfigureAwait(false);
        _revision = revision;
        try
        {
            await applied.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the proxy did not apply rollout {revision} ({step}) within {topology.Settings.HealthyTimeout.TotalSeconds:0} s; see its log");
        }

        Plan = plan;
        Log.Step($"{step} (rollout {revision} applied by the proxy)");
        await Task.Delay(topology.Settings.Settle, time, ct).ConfigureAwait(false);
    }

    /// <summary>Completes once the proxy's console log holds <paramref name="text"/>.</summary>
    private async Task ProxyLogsAsync(string text, CancellationToken ct)
    {
        await foreach (var batch in logs.WatchAsync(topology.Proxy).WithCancellation(ct).ConfigureAwait(false))
        {
            if (batch.Any(l => l.Content.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }
        }

        throw new InvalidOperationException("the proxy's log ended");
    }

    private async Task StopAsync(ProjectResource instance, CancellationToken ct)
    {
        var current = await CurrentAsync(instance.Name, ct).ConfigureAwait(false);
        if (current.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            return;
        }

        intentionalStops.Stopping(instance);
        var result = await commands.ExecuteCommandAsync(instance, KnownResourceCommands.StopCommand, ct).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{instance.Name} did not stop: {result.Message}");
        }

        await WaitAsync(instance.Name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), "to stop", ct).ConfigureAwait(false);
        Log.Step($"{instance.Name} stopped");
    }

    /// <summary>Starts the instance unless it runs healthy already, and waits until this start of it is healthy.</summary>
    private async Task StartAsync(ProjectResource instance, CancellationToken ct)
    {
        var before = (await CurrentAsync(instance.Name, ct).ConfigureAwait(false)).Snapshot;
        if (before.State?.Text == KnownResourceStates.Running && before.HealthStatus == HealthStatus.Healthy)
        {
            return;
        }

        intentionalStops.Starting(instance);
        var result = await commands.ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand, ct).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{instance.Name} did not start: {result.Message}");
        }

        var started = await WaitAsync(instance.Name, e =>
            e.Snapshot.StartTimeStamp is not null && e.Snapshot.StartTimeStamp != before.StartTimeStamp &&
            (e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy ||
             KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)), "to become healthy", ct).ConfigureAwait(false);
        if (started.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            throw new InvalidOperationException($"{instance.Name} ended as {started.Snapshot.State?.Text} (exit code {started.Snapshot.ExitCode}) instead of becoming healthy");
        }

        // The orchestrator's health reports come in on their own schedule: ask the instance itself as well.
        await ProbeHealthAsync(instance, ct).ConfigureAwait(false);
        Log.Step($"{instance.Name} is healthy");
    }

    private async Task ProbeHealthAsync(ProjectResource instance, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(new Uri(topology.AddressOf(instance.Name)), "/health");
        var deadline = time.GetUtcNow() + topology.Settings.HealthyTimeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(health, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"{instance.Name} did not answer /health with 200 within {topology.Settings.HealthyTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }

    private async Task<ResourceEvent> CurrentAsync(string name, CancellationToken ct) =>
        await notifications.WaitForResourceAsync(name, _ => true, ct).ConfigureAwait(false);

    private async Task<ResourceEvent> WaitAsync(string name, Func<ResourceEvent, bool> done, string what, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(topology.Settings.HealthyTimeout);
        try
        {
            return await notifications.WaitForResourceAsync(name, done, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{name} did not manage {what} within {topology.Settings.HealthyTimeout.TotalSeconds:0} s");
        }
    }
}
