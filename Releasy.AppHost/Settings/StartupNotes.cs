using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Releasy.AppHost.Settings;

/// <summary>Lines the AppHost prints once at start-up, through its own logger, so an operator sees the choices it made.</summary>
public static class StartupNotes
{
    public const string Category = "Releasy.AppHost";

    public static void Announce(this IDistributedApplicationBuilder builder, string line)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("{Line}", line);
            }

            return Task.CompletedTask;
        });
    }
}
