using System.Reflection;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Releasy.Api.Http;

/// <summary>
/// A JSON request body bound the way the contract orders it: content type (415), size (413),
/// syntax (400), shape (422), then the input limits of §0.9 (400), all before authentication runs.
/// </summary>
public sealed record JsonBody<T>(T Value) where T : class
{
    public const int MaxBytes = 2 * 1024 * 1024;

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsJsonContentType(context.Request.ContentType))
        {
            throw new ApiException(ApiError.ForStatus(StatusCodes.Status415UnsupportedMediaType,
                "Expected request with `Content-Type: application/json`"));
        }

        var bytes = await ReadLimitedAsync(context.Request, context.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw new ApiException(ApiError.BadRequest($"Failed to parse the request body as JSON: {ex.Message}"));
        }

        using (document)
        {
            try
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException($"invalid type: {Describe(document.RootElement.ValueKind)}, expected an object");
                }

                var value = document.RootElement.Deserialize<T>(ReleasyJson.Options)
                    ?? throw new JsonException("expected an object");
                // §0.9, still before authentication: a string no store can keep never reaches a handler.
                return InputLimits.CheckBody<T>(document.RootElement) is { } limit
                    ? throw new ApiException(limit)
                    : new JsonBody<T>(value);
            }
            catch (JsonException ex)
            {
                throw new ApiException(ApiError.ForStatus(StatusCodes.Status422UnprocessableEntity,
                    $"Failed to deserialize the JSON body into the target type: {ex.Message}"));
            }
        }
    }

    internal static bool IsJsonContentType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ApiException TooLarge() => new(ApiError.PayloadTooLarge);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "sequence",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
