using Releasy.Api.Caching;
using Releasy.Api.Data;

namespace Releasy.Api.Auth;

/// <summary>
/// The prefix lookup of the key authentication: one compiled, untracked join of the keys with their customer's
/// suspension, cached briefly (<see cref="ShortLivedCache{TKey, TValue}"/>). Revocation and suspension therefore
/// reach every instance within the cache's lifetime; expiry is judged against <c>now</c> by the caller. An empty
/// result is not cached, so a key created on another instance works at once.
/// </summary>
public sealed class ApiKeyLookup(CacheEpoch epoch, TimeProvider clock)
{
    // Per instance, not static: a compiled query belongs to one model, and a process may host both providers.
    private readonly Func<ReleasyDbContext, string, IAsyncEnumerable<KeyCandidate>> _byPrefix = EF.CompileAsyncQuery(
        (ReleasyDbContext db, string prefix) => db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyPrefix == prefix)
            .Join(db.Customers, k => k.CustomerId, c => c.Id, (k, c) => new KeyCandidate(
                k.Id, k.CustomerId, k.KeyHash, k.KeyPrefix, k.KeyType, k.Scopes, k.ExpiresAt, k.RevokedAt, c.SuspendedAt)));

    private readonly ShortLivedCache<string, IReadOnlyList<KeyCandidate>> _cache = new(epoch, clock, capacity: 50_000);

    public Task<IReadOnlyList<KeyCandidate>> FindAsync(ReleasyDbContext db, string prefix, CancellationToken ct) =>
        _cache.GetOrLoadAsync(prefix, (query: _byPrefix, db, prefix),
            static async (s, ct) => (IReadOnlyList<KeyCandidate>)await s.query(s.db, s.prefix).ToListAsync(ct),
            static rows => rows.Count > 0, ct);

    /// <summary>After this instance changed one of the prefix's rows itself.</summary>
    public void Forget(string prefix) => _cache.Remove(prefix);
}
