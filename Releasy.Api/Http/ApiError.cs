using System.Text.Json;

namespace Releasy.Api.Http;

/// <summary>
/// The one shape of every error the API answers: <c>{"error":{"code":"…","message":"…"}}</c>.
/// Codes and messages are part of the client contract, so they are built only here.
/// </summary>
public sealed record ApiError(int StatusCode, string Code, string Message) : IResult, IStatusCodeHttpResult
{
    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static ApiError BadRequest(string message) => new(StatusCodes.Status400BadRequest, "bad_request", message);
    public static ApiError Unauthorized() => new(StatusCodes.Status401Unauthorized, "unauthorized", "unauthorized");
    public static ApiError Forbidden(string message) => new(StatusCodes.Status403Forbidden, "forbidden", message);
    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, "not_found", message);
    public static ApiError Conflict(string message) => new(StatusCodes.Status409Conflict, "conflict", message);
    public static ApiError ServiceUnavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, "service_unavailable", message);
    public static ApiError Internal(string message) => new(StatusCodes.Status500InternalServerError, "internal_error", message);

    public static readonly ApiError IdempotencyConflict =
        new(StatusCodes.Status409Conflict, "idempotency_conflict", "idempotency key already used");
    public static readonly ApiError IdempotencyInProgress =
        new(StatusCodes.Status409Conflict, "idempotency_in_progress", "idempotency key already in progress");
    public static readonly ApiError PayloadTooLarge =
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Failed to buffer the request body: length limit exceeded");

    /// <summary>The code a bare status maps to, for errors raised by the web server layer.</summary>
    public static ApiError ForStatus(int status, string message) => new(status, CodeFor(status), message);

    private static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        429 => "too_many_requests",
        431 => "request_header_fields_too_large",
        503 => "service_unavailable",
        _ => "internal_error",
    };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = "application/json";
        return httpContext.Response.WriteAsync(ToJson());
    }

    public string ToJson() => JsonSerializer.Serialize(new Envelope(new Body(Code, Message)), ReleasyJson.Options);

    private sealed record Envelope(Body Error);
    private sealed record Body(string Code, string Message);
}
