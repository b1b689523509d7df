namespace Releasy.Api.Entitlements;

/// <summary>One entitlement's product and window, as cached for the customer hot path.</summary>
public sealed record EntitlementWindow(string Product, long StartsAt, long? EndsAt)
{
    /// <summary>The in-memory twin of <see cref="EntitlementQueries.ActiveAt"/>: <c>starts_at ≤ now</c>, inclusive end.</summary>
    public bool IsActiveAt(long now) => StartsAt <= now && (EndsAt is null || EndsAt >= now);
}
