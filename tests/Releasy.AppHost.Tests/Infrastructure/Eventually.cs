using System.Diagnostics;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>Polls a condition with a bound instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > bound)
            {
                throw new TimeoutException($"Timed out after {bound.TotalSeconds:0}s waiting for {what}; last value: {value}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
