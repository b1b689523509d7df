namespace Releasy.Api.Caching;

/// <summary>
/// The generation of every <see cref="ShortLivedCache{TKey, TValue}"/> of this instance. An operator write bumps
/// it once the write has committed, which retires every entry at once: revocation, suspension, unpublish and
/// entitlement changes made through this instance take effect on its next request. Other instances see them when
/// their entries expire.
/// </summary>
public sealed class CacheEpoch
{
    private long _value;

    public long Current => Volatile.Read(ref _value);

    public void Invalidate() => Interlocked.Increment(ref _value);
}
