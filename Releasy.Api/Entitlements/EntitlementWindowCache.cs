using Releasy.Api.Caching;
using Releasy.Api.Data;

namespace Releasy.Api.Entitlements;

/// <summary>
/// A customer's entitlement windows, read with one compiled query and cached briefly
/// (<see cref="ShortLivedCache{TKey, TValue}"/>): an entitlement ended or deleted on any instance stops counting
/// within the cache's lifetime. Whether a window is active is decided against <c>now</c> on every call.
/// </summary>
public sealed class EntitlementWindowCache(CacheEpoch epoch, TimeProvider clock)
{
    private readonly Func<ReleasyDbContext, string, IAsyncEnumerable<EntitlementWindow>> _ofCustomer = EF.CompileAsyncQuery(
        (ReleasyDbContext db, string customerId) => db.Entitlements.AsNoTracking()
            .Where(e => e.CustomerId == customerId)
            .Select(e => new EntitlementWindow(e.Product, e.StartsAt, e.EndsAt)));

    private readonly ShortLivedCache<string, IReadOnlyList<EntitlementWindow>> _cache = new(epoch, clock, capacity: 50_000);

    /// <summary>The distinct products the customer may access at <paramref name="now"/>, in ordinal order.</summary>
    public async Task<List<string>> ActiveProductsAsync(ReleasyDbContext db, string customerId, long now, CancellationToken ct)
    {
        var windows = await _cache.GetOrLoadAsync(customerId, (query: _ofCustomer, db, customerId),
            static async (s, ct) => (IReadOnlyList<EntitlementWindow>)await s.query(s.db, s.customerId).ToListAsync(ct),
            keep: null, ct);

        var products = windows.Where(w => w.IsActiveAt(now)).Select(w => w.Product).Distinct(StringComparer.Ordinal).ToList();
        products.Sort(StringComparer.Ordinal);
        return products;
    }
}
