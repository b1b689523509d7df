using System.Collections.Concurrent;

namespace Releasy.Api.Caching;

/// <summary>
/// Read-through cache of the customer hot path's database reads. An entry serves for at most <see cref="Lifetime"/>
/// (timed from before its read started, on <see cref="TimeProvider"/>) and only within the <see cref="CacheEpoch"/>
/// it was read in. So a change committed through any instance is seen by every instance within
/// <see cref="Lifetime"/>, well inside the contract's one second (0.10). Cached values must be immutable, and they
/// never hold a judgement of time: callers compare expiry and entitlement windows with <c>now</c> on every request.
/// </summary>
public sealed class ShortLivedCache<TKey, TValue>(CacheEpoch epoch, TimeProvider clock, int capacity)
    where TKey : notnull
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    /// <summary>
    /// The cached value, or a fresh read. A value <paramref name="keep"/> refuses (e.g. an empty key lookup, so a
    /// key created on another instance works at once) is returned but not stored.
    /// </summary>
    public async Task<TValue> GetOrLoadAsync<TState>(
        TKey key, TState state, Func<TState, CancellationToken, Task<TValue>> load, Func<TValue, bool>? keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(load);
        var started = clock.GetTimestamp();
        var generation = epoch.Current;
        if (_entries.TryGetValue(key, out var entry) && entry.Epoch == generation
            && clock.GetElapsedTime(entry.ReadAt, started) < Lifetime)
        {
            return entry.Value;
        }

        var value = await load(state, ct);
        if (keep is null || keep(value))
        {
            if (_entries.Count >= capacity)
            {
                Trim(started, generation);
            }

            _entries[key] = new Entry(value, started, generation);
        }

        return value;
    }

    /// <summary>Forgets one entry (a write of the hot path itself, such as the legacy-hash upgrade).</summary>
    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    /// <summary>Drops the expired entries; if the cache is still full, everything (it refills in one lifetime).</summary>
    private void Trim(long now, long generation)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Epoch != generation || clock.GetElapsedTime(entry.ReadAt, now) >= Lifetime)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }
    }

    private sealed record Entry(TValue Value, long ReadAt, long Epoch);
}
