using System.Collections.Concurrent;

namespace Releasy.Api.Auth;

/// <summary>
/// The latest use of each key since the last flush, kept in memory so a request does not write
/// <c>last_used_at</c> itself; <see cref="KeyUsageWriter"/> stamps them in one statement every few seconds.
/// </summary>
public sealed class KeyUsageRecorder
{
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public void Record(string apiKeyId, long usedAt) =>
        _pending.AddOrUpdate(apiKeyId, static (_, t) => t, static (_, old, t) => Math.Max(old, t), usedAt);

    /// <summary>
    /// Takes the pending uses. A use recorded concurrently for a key being taken stays pending (the remove only
    /// succeeds for the value read), so it goes with the next flush instead of being lost.
    /// </summary>
    public List<(string ApiKeyId, long UsedAt)> Take()
    {
        var taken = new List<(string, long)>();
        foreach (var pair in _pending)
        {
            if (_pending.TryRemove(pair))
            {
                taken.Add((pair.Key, pair.Value));
            }
        }

        return taken;
    }
}
