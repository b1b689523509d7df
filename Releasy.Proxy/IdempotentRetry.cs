using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Releasy.Proxy;

/// <summary>
/// Sends a GET or HEAD that failed before any response byte reached the client to another healthy
/// destination, so an instance that dies mid-run costs the client nothing. Other methods are never
/// replayed: the API may already have acted on them.
/// </summary>
public static class IdempotentRetry
{
    public const int MaxAttempts = 3;

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await next();
            return;
        }

        var proxy = context.GetReverseProxyFeature();
        // Load balancing narrows AvailableDestinations to the one it picked; keep the full healthy set.
        IReadOnlyList<DestinationState> candidates = proxy.AvailableDestinations;
        for (var attempt = 1; ; attempt++)
        {
            await next();
            var error = context.Features.Get<IForwarderErrorFeature>();
            if (error is null || !IsRetryable(error.Error) || context.Response.HasStarted || attempt >= MaxAttempts)
            {
                return;
            }

            var failed = proxy.ProxiedDestination;
            candidates = candidates.Where(d => !ReferenceEquals(d, failed)).ToList();
            if (candidates.Count == 0)
            {
                return;
            }

            context.Features.Set<IForwarderErrorFeature?>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
        }
    }

    private static bool IsRetryable(ForwarderError error) =>
        error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.ResponseHeaders;
}
