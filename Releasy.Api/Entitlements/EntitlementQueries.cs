using Releasy.Api.Data;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Entitlements;

/// <summary>
/// The one definition of an active entitlement (contract 3.5): active at <c>now</c> when
/// <c>starts_at ≤ now</c> and <c>ends_at</c> is NULL or <c>≥ now</c> (inclusive end). Product matching is
/// exact and case-sensitive. Every query translates to SQL on both providers.
/// </summary>
public static class EntitlementQueries
{
    /// <summary>The entitlements active at <paramref name="now"/>.</summary>
    public static IQueryable<Entitlement> ActiveAt(this IQueryable<Entitlement> entitlements, long now)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        return entitlements.Where(e => e.StartsAt <= now && (e.EndsAt == null || e.EndsAt >= now));
    }

    /// <summary>
    /// The distinct products the customer may access at <paramref name="now"/>, as a query that composes
    /// into another one (e.g. <c>releases.Where(r =&gt; products.Contains(r.Product))</c>).
    /// </summary>
    public static IQueryable<string> ActiveProductsOf(this IQueryable<Entitlement> entitlements, string customerId, long now) =>
        entitlements.ActiveAt(now).Where(e => e.CustomerId == customerId).Select(e => e.Product).Distinct();

    /// <summary>Whether any of the customer's entitlements for <paramref name="product"/> is active at <paramref name="now"/>.</summary>
    public static Task<bool> HasActiveEntitlementAsync(
        this ReleasyDbContext db, string customerId, string product, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Entitlements.ActiveAt(now).AnyAsync(e => e.CustomerId == customerId && e.Product == product, ct);
    }

    /// <summary>The distinct products the customer may access at <paramref name="now"/>, in ordinal order.</summary>
    public static async Task<List<string>> ActiveProductsAsync(
        this ReleasyDbContext db, string customerId, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var products = await db.Entitlements.AsNoTracking().ActiveProductsOf(customerId, now).ToListAsync(ct);
        products.Sort(StringComparer.Ordinal);
        return products;
    }
}
