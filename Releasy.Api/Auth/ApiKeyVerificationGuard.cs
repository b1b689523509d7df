using System.Collections.Concurrent;

namespace Releasy.Api.Auth;

/// <summary>
/// Bounds what a caller without a working key can make the server spend on Argon2id (~30 ms and 19 MiB each).
/// Only secrets that are not already known to be good pass through here (<see cref="VerifiedKeyCache"/> answers
/// those first), so a valid key keeps its latency while the guard refuses work:
/// <list type="bullet">
/// <item>a secret that failed recently is refused again without a second verification (a short negative cache,
/// keyed by the peppered SHA-256, never the secret);</item>
/// <item>each lookup prefix gets a fixed number of verifications per window, whether or not the prefix exists;</item>
/// <item>at most half the processors verify at once, and a request that cannot get a slot quickly is shed;</item>
/// <item>requests presenting the same secret at the same time share one verification (a freshly started instance
/// meets all of a busy client's requests with a cold cache).</item>
/// </list>
/// Windows run on <see cref="TimeProvider"/>. The tables are bounded: when one is full of live entries, new
/// entries are not recorded (the concurrency limit still holds).
/// </summary>
public sealed class ApiKeyVerificationGuard(TimeProvider clock) : IDisposable
{
    public const int VerificationsPerPrefix = 10;
    public static readonly TimeSpan PrefixWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FailureLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SlotWait = TimeSpan.FromMilliseconds(100);
    public static readonly int Slots = Math.Max(1, Environment.ProcessorCount / 2);
    private const int Capacity = 10_000;

    private readonly SemaphoreSlim _slots = new(Slots, Slots);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _prefixes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<object?>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The secret with this fingerprint failed verification within <see cref="FailureLifetime"/>.</summary>
    public bool FailedRecently(string fingerprint) =>
        _failures.TryGetValue(fingerprint, out var until) && until > clock.GetUtcNow();

    public void RememberFailure(string fingerprint)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= Capacity)
        {
            Prune(_failures, until => until <= now);
        }

        if (_failures.Count < Capacity)
        {
            _failures[fingerprint] = now + FailureLifetime;
        }
    }

    /// <summary>Takes one of the prefix's verifications in the current window; false when none is left.</summary>
    public bool TryTakePrefixAllowance(string prefix)
    {
        var now = clock.GetUtcNow();
        if (_prefixes.Count >= Capacity)
        {
            Prune(_prefixes, w => w.Start + PrefixWindow <= now);
        }

        if (_prefixes.Count >= Capacity && !_prefixes.ContainsKey(prefix))
        {
            return true;
        }

        var allowed = false;
        _prefixes.AddOrUpdate(prefix,
            _ =>
            {
                allowed = true;
                return new Window(now, 1);
            },
            (_, window) =>
            {
                if (window.Start + PrefixWindow <= now)
                {
                    allowed = true;
                    return new Window(now, 1);
                }

                allowed = window.Count < VerificationsPerPrefix;
                return allowed ? window with { Count = window.Count + 1 } : window;
            });
        return allowed;
    }

    /// <summary>A verification slot, or null when none frees up within <see cref="SlotWait"/>.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken ct) =>
        await _slots.WaitAsync(SlotWait, ct) ? new Slot(_slots) : null;

    /// <summary>
    /// Runs <paramref name="verify"/> for this fingerprint unless a run for it is in flight, whose outcome is then
    /// awaited instead. The run is not tied to one request's cancellation, since others may be waiting for it.
    /// </summary>
    public async Task<T> VerifyOnceAsync<T>(string fingerprint, Func<Task<T>> verify, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verify);
        var mine = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(fingerprint, mine.Task);
        if (shared != mine.Task)
        {
            return (T)(await shared.WaitAsync(ct))!;
        }

        try
        {
            var outcome = await verify();
            mine.SetResult(outcome);
            return outcome;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(fingerprint, mine.Task));
        }
    }

    public void Dispose() => _slots.Dispose();

    private static void Prune<T>(ConcurrentDictionary<string, T> table, Func<T, bool> expired)
    {
        foreach (var (key, value) in table)
        {
            if (expired(value))
            {
                table.TryRemove(key, out _);
            }
        }
    }

    private sealed record Window(DateTimeOffset Start, int Count);

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
