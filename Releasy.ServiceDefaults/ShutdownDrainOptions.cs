using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How a service leaves on SIGTERM. For <see cref="Drain"/> its readiness answers 503 while it keeps serving, so
/// that the proxy's active health check and Kubernetes' endpoint controller stop sending it traffic; then Kestrel
/// has <see cref="Grace"/> to finish the requests in flight before the process exits.
/// </summary>
public sealed class ShutdownDrainOptions
{
    public const string DrainVariable = "RELEASY_SHUTDOWN_DRAIN_SECONDS";
    public const string GraceVariable = "RELEASY_SHUTDOWN_GRACE_SECONDS";

    /// <summary>
    /// The proxy probes <c>/health</c> every 5 s and drops a destination after 2 failures (up to 10 s), and its
    /// probe may take its 2 s timeout: 12 s. Kubernetes removes an endpoint within that too.
    /// </summary>
    public const int DefaultDrainSeconds = 12;

    public const int DefaultGraceSeconds = 15;
    public const int MaxSeconds = 600;

    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(DefaultDrainSeconds);

    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(DefaultGraceSeconds);

    /// <summary>The host's whole stop budget: the drain, then the in-flight requests.</summary>
    public TimeSpan ShutdownTimeout => Drain + Grace;

    /// <summary>Reads both settings; an unusable value fails the start with one message naming the variable.</summary>
    public static ShutdownDrainOptions FromConfiguration(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ShutdownDrainOptions
        {
            Drain = Seconds(config, DrainVariable, DefaultDrainSeconds, min: 0),
            Grace = Seconds(config, GraceVariable, DefaultGraceSeconds, min: 1),
        };
    }

    private static TimeSpan Seconds(IConfiguration config, string name, int defaultValue, int min)
    {
        var raw = config[name]?.Trim();
        if (string.IsNullOrEmpty(raw))
        {
            return TimeSpan.FromSeconds(defaultValue);
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= min && seconds <= MaxSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new OptionsValidationException(name, typeof(ShutdownDrainOptions),
                [string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number of seconds between {min} and {MaxSeconds}")]);
    }
}
