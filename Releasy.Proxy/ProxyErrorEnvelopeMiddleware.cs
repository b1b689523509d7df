using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Releasy.Proxy;

/// <summary>
/// Refuses bodies that announce a length above the limit before any API instance is contacted, and turns
/// YARP's empty-bodied failures (no destination, connection refused, time-out, body over the limit while
/// streaming) into the error envelope.
/// </summary>
public sealed class ProxyErrorEnvelopeMiddleware(RequestDelegate next, IOptions<ProxyLimitsOptions> limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > limits.Value.MaxRequestBodySize)
        {
            await ProxyErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ProxyErrors.PayloadTooLargeMessage);
            return;
        }

        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var (status, message) = Describe(error, context.Response.StatusCode);
        if (message is not null)
        {
            await ProxyErrors.WriteAsync(context, status, message);
        }
    }

    private static (int Status, string? Message) Describe(IForwarderErrorFeature error, int status) => error.Error switch
    {
        ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, ProxyErrors.NoDestinationMessage),
        ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, ProxyErrors.GatewayTimeoutMessage),
        // YARP passes on Kestrel's 413 when a streamed body outgrows the limit.
        _ when status == StatusCodes.Status413PayloadTooLarge => (status, ProxyErrors.PayloadTooLargeMessage),
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient => (status, null),
        _ when status >= 500 => (status, ProxyErrors.BadGatewayMessage),
        _ => (status, null),
    };
}
