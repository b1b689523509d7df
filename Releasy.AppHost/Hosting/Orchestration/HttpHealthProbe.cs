namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Polls a replica's health URL and publishes Healthy/Unhealthy transitions until cancelled.</summary>
public sealed class HttpHealthProbe(ResourceStateTracker tracker, TimeProvider time)
{
    private static readonly TimeSpan UntilHealthyInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan WhileHealthyInterval = TimeSpan.FromSeconds(2);

    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public async Task RunAsync(ResourceSnapshot running, Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(running);
        var healthy = false;
        while (!ct.IsCancellationRequested)
        {
            var now = await IsHealthyAsync(url, ct);
            if (now != healthy && !ct.IsCancellationRequested)
            {
                healthy = now;
                tracker.Publish(running with { State = now ? KnownResourceStates.Healthy : KnownResourceStates.Unhealthy });
            }

            try
            {
                await Task.Delay(healthy ? WhileHealthyInterval : UntilHealthyInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> IsHealthyAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await Client.GetAsync(url, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
