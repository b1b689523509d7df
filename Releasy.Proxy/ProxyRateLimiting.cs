using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Releasy.Proxy;

/// <summary>
/// The proxied routes' fixed window, one budget per caller: the customer API key's lookup prefix, the admin key
/// (as a hash), or the operator token's subject, and the client address only when a request carries none of them.
/// A CI fleet behind one NAT address then no longer shares one budget. Nothing is verified here: the API does that.
/// </summary>
public static class ProxyRateLimiting
{
    public const string ApiKeyHeader = "x-releasy-api-key";
    public const string AdminKeyHeader = "x-releasy-admin-key";

    /// <summary>Customer keys are <c>releasy_</c> + 43 characters; the API looks them up by their first 12.</summary>
    private const string ApiKeyPrefix = "releasy_";
    private const int LookupPrefixLength = 12;
    private const int MaxSubjectLength = 256;

    public static RateLimitPartition<string> PerCaller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices.GetRequiredService<IOptions<ProxyRateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    /// <summary>
    /// The budget a request counts against. Never a whole secret: a customer key contributes its lookup prefix
    /// (which the API stores and logs anyway), the admin key a SHA-256 of itself.
    /// </summary>
    public static string PartitionKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (ApiKeyLookupPrefix(headers) is { } prefix)
        {
            return "key:" + prefix;
        }

        if (headers[AdminKeyHeader] is [{ Length: > 0 } adminKey])
        {
            return "admin:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey)));
        }

        if (BearerSubject(headers.Authorization.ToString()) is { } subject)
        {
            return "operator:" + subject;
        }

        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    /// <summary>The customer API key's lookup prefix (its first 12 characters), or null without a customer key.</summary>
    public static string? ApiKeyLookupPrefix(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers[ApiKeyHeader] is [{ } apiKey] && apiKey.Length > LookupPrefixLength
            && apiKey.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
            ? apiKey[..LookupPrefixLength]
            : null;
    }

    /// <summary>The <c>sub</c> claim of a bearer JWT, read without validation; null for anything else.</summary>
    public static string? BearerSubject(string authorization)
    {
        const string Bearer = "Bearer ";
        if (!authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = authorization[Bearer.Length..].Trim().Split('.');
        if (parts.Length != 3 || parts[1].Length > 16 * 1024)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty("sub", out var sub)
                && sub.ValueKind == JsonValueKind.String
                && sub.GetString() is { Length: > 0 and <= MaxSubjectLength } value
                    ? value
                    : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The 429 in the envelope, with <c>Retry-After</c> and the <c>RateLimit-Limit</c> / <c>-Remaining</c> /
    /// <c>-Reset</c> fields. The fixed window reports its whole length as the wait: the longest it can be.
    /// </summary>
    public static ValueTask OnRejected(OnRejectedContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<ProxyRateLimitOptions>>().Value;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds)
            : options.WindowSeconds;
        var seconds = Math.Max(1, wait).ToString(CultureInfo.InvariantCulture);
        var headers = http.Response.Headers;
        headers.RetryAfter = seconds;
        headers["RateLimit-Limit"] = options.PermitLimit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = "0";
        headers["RateLimit-Reset"] = seconds;
        return new ValueTask(ProxyErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, ProxyErrors.TooManyRequestsMessage, ct));
    }
}
