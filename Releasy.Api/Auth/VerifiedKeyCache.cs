using Microsoft.Extensions.Caching.Memory;

namespace Releasy.Api.Auth;

/// <summary>
/// Remembers which presented key verified against which stored Argon2id hash, so the hot path skips the
/// ~30 ms hash on repeat requests. Only the hash check is cached: revocation, expiry and suspension are
/// read from the database on every request, and a changed stored hash invalidates the entry.
/// Entries are keyed by the peppered SHA-256 of the key, never the key itself.
/// </summary>
public sealed class VerifiedKeyCache : IDisposable
{
    private static readonly TimeSpan SlidingLifetime = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool IsVerified(string fingerprint, string apiKeyId, string storedHash) =>
        _cache.TryGetValue(fingerprint, out Entry? entry) && entry!.ApiKeyId == apiKeyId && entry.StoredHash == storedHash;

    public void Remember(string fingerprint, string apiKeyId, string storedHash) =>
        _cache.Set(fingerprint, new Entry(apiKeyId, storedHash),
            new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = SlidingLifetime });

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(string ApiKeyId, string StoredHash);
}
