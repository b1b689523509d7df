using System.Globalization;
using System.Text.RegularExpressions;

namespace Releasy.Proxy.Rollouts;

/// <summary>
/// The <c>Rollout</c> section, checked: the live colours with their API addresses, the default colour, and the
/// per-customer assignments (API key lookup prefix → colour). No colours means no colour routing at all.
/// </summary>
public sealed partial record RolloutRules(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Colours,
    string? DefaultColour,
    IReadOnlyDictionary<string, string> Assignments,
    string? Revision = null)
{
    public const string Section = "Rollout";
    public const string FileVariable = "RELEASY_PROXY_ROLLOUT_FILE";

    /// <summary>The API key's lookup prefix (<c>releasy_</c> + 4 characters), the only customer identity the proxy sees.</summary>
    public const int KeyPrefixLength = 12;

    public static readonly RolloutRules None = new(
        new Dictionary<string, IReadOnlyList<string>>(), null, new Dictionary<string, string>());

    public bool HasColours => Colours.Count > 0;

    public static bool IsColourName(string? value) => value is not null && ColourName().IsMatch(value);

    /// <summary>Reads and checks the section; every problem is listed in one exception.</summary>
    public static RolloutRules Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var problems = new List<string>();
        var colours = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var colour in section.GetSection("Colours").GetChildren())
        {
            if (!IsColourName(colour.Key))
            {
                problems.Add($"colour '{colour.Key}' is not a lower-case name of 1 to 32 letters, digits or '-'");
                continue;
            }

            var addresses = Addresses(colour, problems);
            if (addresses.Count == 0)
            {
                problems.Add($"colour '{colour.Key}' has no destination (Rollout:Colours:{colour.Key}:0)");
            }

            colours[colour.Key] = addresses;
        }

        if (colours.Count == 0)
        {
            return problems.Count == 0 ? None : throw Invalid(problems);
        }

        var defaultColour = section["DefaultColour"];
        if (string.IsNullOrWhiteSpace(defaultColour) || !colours.ContainsKey(defaultColour))
        {
            problems.Add($"Rollout:DefaultColour '{defaultColour}' is not one of the colours ({string.Join(", ", colours.Keys)})");
        }

        var assignments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in section.GetSection("Assignments").GetChildren())
        {
            if (assignment.Key.Length != KeyPrefixLength)
            {
                problems.Add($"assignment '{assignment.Key}' is not an API key prefix of {KeyPrefixLength} characters");
            }
            else if (assignment.Value is not { } colour || !colours.ContainsKey(colour))
            {
                problems.Add($"assignment '{assignment.Key}' names colour '{assignment.Value}', which is not configured");
            }
            else
            {
                assignments[assignment.Key] = colour;
            }
        }

        return problems.Count == 0 ? new RolloutRules(colours, defaultColour, assignments, RevisionOf(configuration)) : throw Invalid(problems);
    }

    /// <summary>
    /// <c>Rollout:Revision</c>: an optional label of the writer's, echoed in the proxy's log when the rollout applies,
    /// so the writer can tell when the proxy has taken a change up.
    /// </summary>
    public static string? RevisionOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[$"{Section}:Revision"] is { Length: > 0 and <= 64 } revision && revision.All(char.IsAsciiLetterOrDigit) ? revision : null;
    }

    private static List<string> Addresses(IConfigurationSection colour, List<string> problems)
    {
        var addresses = new List<string>();
        foreach (var destination in colour.GetChildren().OrderBy(d => int.TryParse(d.Key, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue))
        {
            if (Uri.TryCreate(destination.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                addresses.Add(destination.Value!);
            }
            else
            {
                problems.Add($"Rollout:Colours:{colour.Key}:{destination.Key} '{destination.Value}' is not an http(s) address");
            }
        }

        return addresses;
    }

    private static InvalidOperationException Invalid(List<string> problems) =>
        new("Invalid rollout configuration: " + string.Join("; ", problems) + ".");

    [GeneratedRegex("^[a-z0-9-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ColourName();
}
