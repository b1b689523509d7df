using System.Text.Json;

namespace Releasy.Proxy;

/// <summary>
/// Writes the errors the proxy produces itself in Releasy's envelope,
/// <c>{"error":{"code":"…","message":"…"}}</c>, so a client cannot tell them apart from the API's.
/// </summary>
public static class ProxyErrors
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public const string PayloadTooLargeMessage = "Failed to buffer the request body: length limit exceeded";
    public const string TooManyRequestsMessage = "too many requests";
    public const string NoDestinationMessage = "no healthy api instance is available";
    public const string BadGatewayMessage = "the api did not answer";
    public const string GatewayTimeoutMessage = "the api did not answer in time";

    public static Task WriteAsync(HttpContext context, int statusCode, string message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = statusCode;
        context.Response.Headers.CacheControl = "no-store";
        var envelope = new ErrorEnvelope(new ErrorBody(CodeFor(statusCode), message));
        return context.Response.WriteAsJsonAsync(envelope, ct);
    }

    /// <summary>The envelope as JSON text, for the errors Kestrel answers before any middleware runs.</summary>
    public static string ToJson(int statusCode, string message) =>
        JsonSerializer.Serialize(new ErrorEnvelope(new ErrorBody(CodeFor(statusCode), message)), JsonOptions);

    public static string CodeFor(int statusCode) => statusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status429TooManyRequests => "too_many_requests",
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable
            or StatusCodes.Status504GatewayTimeout => "service_unavailable",
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status408RequestTimeout => "request_timeout",
        StatusCodes.Status411LengthRequired => "length_required",
        StatusCodes.Status414UriTooLong => "uri_too_long",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "request_header_fields_too_large",
        _ => "internal_error",
    };

    private sealed record ErrorEnvelope(ErrorBody Error);

    private sealed record ErrorBody(string Code, string Message);
}
