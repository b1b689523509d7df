using System.Diagnostics;

namespace Releasy.Testing;

/// <summary>Polls a condition with a bound instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Probes until <paramref name="done"/> holds. A connection error while a server is still coming up or going
    /// down counts as "not yet"; the timeout names the last value seen and carries the last such error.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var bound = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var seen = "none";
        Exception? lastError = null;
        do
        {
            try
            {
                var value = await probe();
                if (done(value))
                {
                    return value;
                }

                seen = value?.ToString() ?? "null";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(PollInterval);
        }
        while (clock.Elapsed < bound);

        throw new TimeoutException($"Timed out after {bound.TotalSeconds:0}s waiting for {what}; last value: {seen}.", lastError);
    }
}
