using Microsoft.IdentityModel.Tokens;
using Releasy.Api.Options;

namespace Releasy.Api.Auth.Jwt;

/// <summary>
/// The operator JWKS, cached in process as a whole set (contract 2.4, with §0.3):
/// <list type="bullet">
/// <item>a set is fresh while <c>now − fetched_at ≤ TTL</c>, <c>fetched_at</c> being when its fetch started;</item>
/// <item>an unknown <c>kid</c> in a fresh set triggers one refetch, at most one per minimum interval, which any
/// fetch starts;</item>
/// <item>when a refetch fails, the last good set keeps serving for the grace period past its TTL (0 = never),
/// and a failed refetch is retried at most once per minimum interval while it does;</item>
/// <item>with no usable set, the failed fetch's 503 is the answer.</item>
/// </list>
/// Concurrent requests share one fetch in flight. Times are whole seconds of the injected clock.
/// </summary>
public sealed partial class JwksCache(
    JwksFetcher fetcher, ReleasySettings settings, TimeProvider clock, ILogger<JwksCache> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly OperatorJwtOptions _options = settings.Operator;
    private Snapshot? _current;
    private long? _lastFetchStartedAt;
    private bool _lastFetchFailed;
    private Task<JwksFetchResult>? _inflight;

    /// <summary>The JWK whose <c>kid</c> matches; null Key and Error for an unknown kid; or the 503.</summary>
    public async Task<JwksLookup> FindAsync(string kid, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        Snapshot? cached;
        bool lastFailed;
        lock (_gate)
        {
            cached = _current;
            lastFailed = _lastFetchFailed;
        }

        if (cached is not null && now - cached.FetchedAt <= _options.JwksTtlSeconds)
        {
            if (cached.Find(kid) is { } key)
            {
                return new JwksLookup(key, null);
            }

            // §0.3: the provider may have rotated its keys; ask again, but not more than once per interval.
            if (StartFetch(now, rateLimited: true) is not { } refetch)
            {
                LogRefetchSuppressed(logger, kid);
                return new JwksLookup(null, null);
            }

            var refetched = await refetch.WaitAsync(ct);
            return new JwksLookup(refetched.Keys is null ? null : Find(refetched.Keys, kid), null);
        }

        var stale = cached is not null && _options.JwksGraceSeconds > 0
            && now - cached.FetchedAt <= (long)_options.JwksTtlSeconds + _options.JwksGraceSeconds
            ? cached : null;
        var fetch = StartFetch(now, rateLimited: stale is not null && lastFailed);
        var result = fetch is null ? null : await fetch.WaitAsync(ct);
        if (result?.Keys is { } keys)
        {
            return new JwksLookup(Find(keys, kid), null);
        }

        if (stale is not null)
        {
            LogServingStale(logger, now - stale.FetchedAt);
            return new JwksLookup(stale.Find(kid), null);
        }

        return new JwksLookup(null, result!.Error);
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    /// <summary>Joins the fetch in flight, or starts one unless rate-limited (then null).</summary>
    private Task<JwksFetchResult>? StartFetch(long now, bool rateLimited)
    {
        lock (_gate)
        {
            if (_inflight is { } running)
            {
                return running;
            }

            if (rateLimited && _lastFetchStartedAt is { } last && now - last < _options.JwksRefreshMinIntervalSeconds)
            {
                return null;
            }

            _lastFetchStartedAt = now;
            var started = Task.Run(() => FetchAndStoreAsync(now));
            _inflight = started;
            return started;
        }
    }

    private async Task<JwksFetchResult> FetchAndStoreAsync(long startedAt)
    {
        var result = JwksFetchResult.Unavailable;
        try
        {
            result = await fetcher.FetchAsync(_options.JwksUrl!, _shutdown.Token);
            return result;
        }
        finally
        {
            lock (_gate)
            {
                _inflight = null;
                _lastFetchFailed = result.Keys is null;
                if (result.Keys is { } keys)
                {
                    _current = new Snapshot(keys, startedAt);
                }
            }
        }
    }

    private static JsonWebKey? Find(JsonWebKeySet keys, string kid) =>
        keys.Keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));

    private sealed record Snapshot(JsonWebKeySet Keys, long FetchedAt)
    {
        public JsonWebKey? Find(string kid) => JwksCache.Find(Keys, kid);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unknown JWT kid {Kid}: JWKS refetch suppressed by the minimum interval")]
    private static partial void LogRefetchSuppressed(ILogger logger, string kid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator JWKS unavailable; serving the last good set, fetched {AgeSeconds} s ago")]
    private static partial void LogServingStale(ILogger logger, long ageSeconds);
}
