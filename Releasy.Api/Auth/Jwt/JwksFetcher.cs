using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Releasy.Api.Auth.Jwt;

/// <summary>
/// One JWKS download with the contract's own policy (2.4): a timeout per attempt, and a single retry after a
/// short pause, only for connection errors and HTTP 5xx. Timeouts, 4xx and unparsable bodies are final.
/// The named client has no standard resilience handler, so this is the only retry.
/// </summary>
public sealed partial class JwksFetcher(
    IHttpClientFactory clients, IOptions<JwksHttpOptions> options, ILogger<JwksFetcher> logger)
{
    public const string ClientName = "releasy-operator-jwks";
    private const int MaxAttempts = 2;

    public async Task<JwksFetchResult> FetchAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            LogFailed(logger, "invalid_url", 0, null);
            return JwksFetchResult.Unavailable;
        }

        var client = clients.CreateClient(ClientName);
        for (var attempt = 1; ; attempt++)
        {
            var (result, retryable) = await AttemptAsync(client, uri, attempt, ct);
            if (!retryable || attempt == MaxAttempts)
            {
                return result;
            }

            await Task.Delay(options.Value.RetryDelay, ct);
        }
    }

    private async Task<(JwksFetchResult Result, bool Retryable)> AttemptAsync(
        HttpClient client, Uri uri, int attempt, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.AttemptTimeout);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogFailed(logger, "http_status", attempt, (int)response.StatusCode);
                return (JwksFetchResult.Unavailable, (int)response.StatusCode >= 500);
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return (Parse(body, attempt), false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogFailed(logger, "timeout", attempt, null);
            return (JwksFetchResult.TimedOut, false);
        }
        catch (HttpRequestException ex)
        {
            var connection = ex.HttpRequestError is HttpRequestError.ConnectionError
                or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
            LogFailed(logger, connection ? "connection_error" : "http_error", attempt, (int?)ex.StatusCode);
            return (JwksFetchResult.Unavailable, connection);
        }
    }

    private JwksFetchResult Parse(string body, int attempt)
    {
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                {
                    LogFailed(logger, "not_a_jwk_set", attempt, (int)HttpStatusCode.OK);
                    return JwksFetchResult.Unavailable;
                }
            }

            var set = new JsonWebKeySet(body);
            LogFetched(logger, set.Keys.Count);
            return JwksFetchResult.Success(set);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            LogFailed(logger, "unparsable_body", attempt, (int)HttpStatusCode.OK);
            return JwksFetchResult.Unavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator JWKS fetch failed: {Reason} (attempt {Attempt}, HTTP status {Status})")]
    private static partial void LogFailed(ILogger logger, string reason, int attempt, int? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator JWKS fetched: {KeyCount} keys")]
    private static partial void LogFetched(ILogger logger, int keyCount);
}
