using System.Diagnostics;

namespace Releasy.Proxy.Tests.Infrastructure;

/// <summary>Polls a condition with a bound instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        T last;
        Exception? lastError = null;
        do
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(PollInterval);
        }
        while (clock.Elapsed < bound);

        throw new TimeoutException($"Timed out after {bound.TotalSeconds:0}s waiting for {what}.", lastError);
    }
}
