using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Releasy.Api.Data;

namespace Releasy.Api.Http;

/// <summary>
/// Turns binding failures into their contract errors and anything unexpected into a bare 500:
/// no stack trace, exception text or secret ever reaches a client. A database that cannot be reached is the
/// contract's 503 <c>database unavailable</c> with <c>Retry-After</c>, logged once per outage by
/// <see cref="DatabaseOutageTracker"/> rather than once per request.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var error = exception switch
        {
            ApiException api => api.Error,
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => ApiError.PayloadTooLarge,
            BadHttpRequestException bad => ApiError.ForStatus(bad.StatusCode, "bad request"),
            _ when exception.IsUnreachable() => DatabaseUnavailable,
            _ => null,
        };

        if (ReferenceEquals(error, DatabaseUnavailable))
        {
            httpContext.Response.Headers.RetryAfter = DatabaseOutageTracker.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        if (error is null)
        {
            if (!httpContext.RequestAborted.IsCancellationRequested)
            {
                // The route template, not the path: a path can hold a secret (GET /v1/downloads/{token}).
                var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                LogUnhandled(logger, exception, httpContext.Request.Method, route);
            }

            error = ApiError.Internal("internal error");
        }

        await error.ExecuteAsync(httpContext);
        return true;
    }

    private static readonly ApiError DatabaseUnavailable = ApiError.ServiceUnavailable(DatabaseHealthCheck.Description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route);
}
