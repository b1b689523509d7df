using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Releasy.AppHost.Lifecycle;
using Releasy.AppHost.Settings;

namespace Releasy.AppHost.Rollouts;

public static class RolloutExtensions
{
    public const string BlueGreenCommand = "rollout-blue-green";
    public const string RollbackCommand = "rollout-rollback";
    public const string RollingRestartCommand = "rollout-rolling-restart";
    public const string RainbowCommand = "rollout-rainbow";
    public const string ColourArgument = "colour";
    public const string KeyPrefixArgument = "key-prefix";

    /// <summary>
    /// In run mode, routes the proxy by colour through a rollout file in the state directory (the first colour is the
    /// default and the only one live at start) and gives the proxy the rollout commands in the dashboard.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRollouts(this IResourceBuilder<ProjectResource> proxy, params ColourSet[] colours)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentOutOfRangeException.ThrowIfLessThan(colours.Length, 2);
        var builder = proxy.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return proxy;
        }

        var file = new RolloutFile(StateDirectory.From(builder.Configuration).PathOf("rollout.json"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IntentionalStops>();
        builder.Services.AddSingleton(new RolloutTopology(colours, proxy.Resource, file, RolloutSettings.From(builder.Configuration)));
        builder.Services.AddSingleton<RolloutCoordinator>();
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(proxy.Resource, (e, ct) => Coordinator(e.Services).WriteAsync(ct));
        return proxy
            .WithEnvironment(RolloutFile.Variable, file.Path)
            .WithCommand(BlueGreenCommand, "Blue/green switch", c => Coordinator(c.Services).SwitchAsync(c.CancellationToken), new CommandOptions
            {
                Description = "Starts the other colour's API instances, waits until they are healthy, makes it the default colour, then drains and stops the old colour.",
                ConfirmationMessage = "Switch the proxy to the other colour and stop the current one?",
                IconName = "ArrowSwap",
                IsHighlighted = true,
            })
            .WithCommand(RollbackCommand, "Roll back", c => Coordinator(c.Services).RollbackAsync(c.CancellationToken), new CommandOptions
            {
                Description = "Switches back to the colour that was the default before the last switch (started again first).",
                ConfirmationMessage = "Switch back to the previous colour?",
                IconName = "ArrowUndo",
            })
            .WithCommand(RollingRestartCommand, "Rolling restart", c => Coordinator(c.Services).RollingRestartAsync(c.CancellationToken), new CommandOptions
            {
                Description = "Replaces the live API instances one at a time: out of rotation, stopped, started, healthy, back in rotation.",
                IconName = "ArrowSync",
            })
            .WithCommand(RainbowCommand, "Route a colour", c => RouteAsync(c), new CommandOptions
            {
                Description = "Keeps every live colour and starts this one if needed; makes it the default, or the colour of the API keys with the given prefix.",
                IconName = "Color",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = ColourArgument, Label = "Colour", InputType = InputType.Choice, Required = true,
                        Options = [.. colours.Select(c => KeyValuePair.Create(c.Colour, c.Colour))],
                    },
                    new InteractionInput
                    {
                        Name = KeyPrefixArgument, Label = "API key prefix (optional)", InputType = InputType.Text, MaxLength = KeyPrefixLength,
                        Placeholder = "releasy_AbCd", Description = "The first 12 characters of a customer's API key; empty sets the default colour.",
                    },
                ],
            });
    }

    private const int KeyPrefixLength = 12;

    private static RolloutCoordinator Coordinator(IServiceProvider services) => services.GetRequiredService<RolloutCoordinator>();

    private static Task<ExecuteCommandResult> RouteAsync(ExecuteCommandContext context)
    {
        var colour = context.Arguments.GetString(ColourArgument)?.Trim() ?? "";
        var prefix = context.Arguments.GetString(KeyPrefixArgument)?.Trim();
        if (string.IsNullOrEmpty(prefix))
        {
            prefix = null;
        }
        else if (prefix.Length != KeyPrefixLength || !prefix.StartsWith("releasy_", StringComparison.Ordinal))
        {
            return Task.FromResult(CommandResults.Failure($"an API key prefix is the key's first {KeyPrefixLength} characters, starting with releasy_"));
        }

        return Coordinator(context.Services).RouteAsync(colour, prefix, context.CancellationToken);
    }
}
