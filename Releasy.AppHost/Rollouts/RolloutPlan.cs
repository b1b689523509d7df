using System.Collections.Immutable;

namespace Releasy.AppHost.Rollouts;

/// <summary>
/// What the proxy is told: which instances of each colour are in rotation, the default colour, the colour it was
/// before (for a rollback) and the per-customer assignments. Immutable; each step of a rollout makes a new one.
/// </summary>
public sealed record RolloutPlan(
    ImmutableDictionary<string, ImmutableList<string>> InRotation,
    string DefaultColour,
    string? PreviousColour,
    ImmutableDictionary<string, string> Assignments)
{
    public static RolloutPlan Initial(ColourSet first)
    {
        ArgumentNullException.ThrowIfNull(first);
        return new(
            ImmutableDictionary<string, ImmutableList<string>>.Empty.Add(first.Colour, [.. first.Resources.Select(r => r.Name)]),
            first.Colour, null, ImmutableDictionary<string, string>.Empty);
    }

    /// <summary>The colours with at least one instance in rotation: the ones a request may name.</summary>
    public IEnumerable<string> LiveColours => InRotation.Where(c => !c.Value.IsEmpty).Select(c => c.Key);

    public bool IsLive(string colour) => InRotation.TryGetValue(colour, out var members) && !members.IsEmpty;

    public RolloutPlan WithColour(ColourSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return this with { InRotation = InRotation.SetItem(set.Colour, [.. set.Resources.Select(r => r.Name)]) };
    }

    /// <summary>Takes a colour out of rotation, with the customers assigned to it.</summary>
    public RolloutPlan WithoutColour(string colour) => colour == DefaultColour
        ? throw new InvalidOperationException($"'{colour}' is the default colour; switch the default first")
        : this with
        {
            InRotation = InRotation.Remove(colour),
            Assignments = Assignments.RemoveRange(Assignments.Where(a => a.Value == colour).Select(a => a.Key)),
        };

    public RolloutPlan WithDefault(string colour) => colour == DefaultColour
        ? this
        : IsLive(colour)
            ? this with { DefaultColour = colour, PreviousColour = DefaultColour }
            : throw new InvalidOperationException($"'{colour}' has no instance in rotation");

    public RolloutPlan WithAssignment(string keyPrefix, string colour) => IsLive(colour)
        ? this with { Assignments = Assignments.SetItem(keyPrefix, colour) }
        : throw new InvalidOperationException($"'{colour}' has no instance in rotation");

    public RolloutPlan WithoutInstance(string colour, string instance)
    {
        var members = InRotation[colour].Remove(instance);
        return members.IsEmpty
            ? throw new InvalidOperationException($"'{instance}' is the last instance of '{colour}' in rotation")
            : this with { InRotation = InRotation.SetItem(colour, members) };
    }

    /// <summary>Puts an instance back in rotation, in its place in the colour's order.</summary>
    public RolloutPlan WithInstance(ColourSet set, string instance)
    {
        ArgumentNullException.ThrowIfNull(set);
        var members = InRotation.GetValueOrDefault(set.Colour, []).Add(instance);
        var order = set.Resources.Select(r => r.Name).ToList();
        return this with { InRotation = InRotation.SetItem(set.Colour, [.. members.Distinct().OrderBy(order.IndexOf)]) };
    }
}
