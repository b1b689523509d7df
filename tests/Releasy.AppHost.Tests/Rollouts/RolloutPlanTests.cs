using System.Text.Json;
using Releasy.AppHost.Rollouts;
using Releasy.Testing;

namespace Releasy.AppHost.Tests.Rollouts;

/// <summary>
/// The steps of the rollout commands as plans, and the rollout file they become: the proxy's <c>Rollout</c>
/// section, renamed into place. The commands themselves run against the real topology in bench/rollout.sh.
/// </summary>
public sealed class RolloutPlanTests : IDisposable
{
    private readonly IDistributedApplicationBuilder _builder = DistributedApplication.CreateBuilder();
    private readonly ColourSet _blue;
    private readonly ColourSet _green;
    private readonly string _directory = ScratchDirectory.Create("releasy-rollout-plan-");

    public RolloutPlanTests()
    {
        _blue = new ColourSet("blue", [_builder.AddProject<Projects.Releasy_Api>("api"), _builder.AddProject<Projects.Releasy_Api>("api-2")]);
        _green = new ColourSet("green", [_builder.AddProject<Projects.Releasy_Api>("api-green"), _builder.AddProject<Projects.Releasy_Api>("api-green-2")]);
    }

    [Fact]
    public void A_blue_green_switch_makes_green_the_default_and_takes_blue_and_its_customers_out()
    {
        var plan = RolloutPlan.Initial(_blue).WithColour(_green).WithAssignment("releasy_AbCd", "blue");

        var switched = plan.WithDefault("green").WithoutColour("blue");

        Assert.Equal("green", switched.DefaultColour);
        Assert.Equal("blue", switched.PreviousColour);
        Assert.Equal(["green"], switched.LiveColours);
        Assert.Empty(switched.Assignments);
    }

    [Fact]
    public void Refuses_a_default_colour_that_is_not_live_and_to_take_out_the_default()
    {
        var plan = RolloutPlan.Initial(_blue);

        Assert.Throws<InvalidOperationException>(() => plan.WithDefault("green"));
        Assert.Throws<InvalidOperationException>(() => plan.WithAssignment("releasy_AbCd", "green"));
        Assert.Throws<InvalidOperationException>(() => plan.WithoutColour("blue"));
    }

    [Fact]
    public void A_rolling_restart_takes_one_instance_out_at_a_time_and_puts_it_back_in_its_place()
    {
        var plan = RolloutPlan.Initial(_blue);

        var out1 = plan.WithoutInstance("blue", "api");
        var back = out1.WithInstance(_blue, "api");

        Assert.Equal(["api-2"], out1.InRotation["blue"]);
        Assert.Equal(["api", "api-2"], back.InRotation["blue"]);
        Assert.Throws<InvalidOperationException>(() => out1.WithoutInstance("blue", "api-2"));
    }

    [Fact]
    public async Task The_file_holds_the_rollout_section_of_the_live_colours_with_their_addresses()
    {
        var file = new RolloutFile(Path.Combine(_directory, "rollout.json"));
        var plan = RolloutPlan.Initial(_blue).WithColour(_green).WithoutInstance("green", "api-green-2").WithAssignment("releasy_AbCd", "green");

        await file.WriteAsync(plan, 7, name => $"http://127.0.0.1:{(name.Contains("green", StringComparison.Ordinal) ? 2 : 1)}000/{name}", CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file.Path));
        var rollout = json.RootElement.GetProperty("Rollout");
        Assert.Equal("7", rollout.GetProperty("Revision").GetString());
        Assert.Equal("blue", rollout.GetProperty("DefaultColour").GetString());
        Assert.Equal(["http://127.0.0.1:1000/api", "http://127.0.0.1:1000/api-2"], Strings(rollout.GetProperty("Colours").GetProperty("blue")));
        Assert.Equal(["http://127.0.0.1:2000/api-green"], Strings(rollout.GetProperty("Colours").GetProperty("green")));
        Assert.Equal("green", rollout.GetProperty("Assignments").GetProperty("releasy_AbCd").GetString());
        Assert.Equal(["rollout.json"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
