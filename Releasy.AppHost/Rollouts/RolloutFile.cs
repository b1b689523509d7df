using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Releasy.AppHost.Rollouts;

/// <summary>
/// The proxy's rollout file (<c>RELEASY_PROXY_ROLLOUT_FILE</c>): a <c>Rollout</c> section the proxy watches and
/// applies without a restart. Written whole to a new file and renamed over the old one, so the proxy never reads
/// half a file.
/// </summary>
public sealed class RolloutFile(string path)
{
    public const string Variable = "RELEASY_PROXY_ROLLOUT_FILE";

    /// <summary>What the proxy logs once it has applied revision N (Releasy.Proxy's RolloutReloadLog).</summary>
    public static string AppliedLine(int revision) => $"Rollout {revision.ToString(CultureInfo.InvariantCulture)} applied:";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Writes the plan, with each instance's address; the proxy logs <paramref name="revision"/> once it applies it.</summary>
    public async Task WriteAsync(RolloutPlan plan, int revision, Func<string, string> addressOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(addressOf);
        var colours = new JsonObject();
        foreach (var colour in plan.LiveColours.Order(StringComparer.Ordinal))
        {
            colours[colour] = new JsonArray([.. plan.InRotation[colour].Select(i => (JsonNode?)addressOf(i))]);
        }

        var rollout = new JsonObject
        {
            ["Revision"] = revision.ToString(CultureInfo.InvariantCulture),
            ["DefaultColour"] = plan.DefaultColour,
            ["Colours"] = colours,
            ["Assignments"] = new JsonObject(plan.Assignments.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var next = Path + ".next";
        await File.WriteAllTextAsync(next, new JsonObject { ["Rollout"] = rollout }.ToJsonString(Indented), ct).ConfigureAwait(false);
        File.Move(next, Path, overwrite: true);
    }
}
