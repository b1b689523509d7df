using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Releasy.AppHost.Rollouts;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>
/// The proxy's rollout commands on the real topology, run as the dashboard runs them (through
/// <see cref="ResourceCommandService"/>). The same commands under load are bench/rollout.sh's proof.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RolloutCommandTests
{
    [Fact]
    public async Task A_blue_green_switch_moves_the_proxy_to_green_and_stops_blue_and_a_rollback_moves_it_back()
    {
        await using var run = await TopologyRun.StartAsync(dashboard: false);
        using var admin = run.CreateAdminClient();
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();

        var switched = await commands.ExecuteCommandAsync(Proxy(run), RolloutExtensions.BlueGreenCommand);

        Assert.True(switched.Success, switched.Message);
        Assert.Equal("green", await DefaultColourAsync(run));
        Assert.Equal(KnownResourceStates.Running, (await run.CurrentAsync("api-green")).Snapshot.State?.Text);
        Assert.Contains((await run.CurrentAsync("api")).Snapshot.State?.Text, KnownResourceStates.TerminalStates);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/admin/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(Named("blue"))).StatusCode);

        var rolledBack = await commands.ExecuteCommandAsync(Proxy(run), RolloutExtensions.RollbackCommand);

        Assert.True(rolledBack.Success, rolledBack.Message);
        Assert.Equal("blue", await DefaultColourAsync(run));
        Assert.Contains((await run.CurrentAsync("api-green")).Snapshot.State?.Text, KnownResourceStates.TerminalStates);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(Named("blue"))).StatusCode);
        Assert.DoesNotContain(run.Logs.Lines, l => l.Contains("restart 1 of at most", StringComparison.Ordinal));
    }

    private static IResource Proxy(TopologyRun run) =>
        run.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "proxy");

    private static HttpRequestMessage Named(string colour)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/customers");
        request.Headers.Add("X-Releasy-Version", colour);
        return request;
    }

    private static async Task<string?> DefaultColourAsync(TopologyRun run)
    {
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run.StateDirectory, "rollout.json")));
        return file.RootElement.GetProperty("Rollout").GetProperty("DefaultColour").GetString();
    }
}
