using System.Data.Common;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> state machine of contract 4.5: reserve atomically, run, then store the
/// 200 body for replay, or release the key on any error (failures are never cached).
/// </summary>
public sealed partial class IdempotencyService(
    ReleasyDbContext db, TimeProvider clock, ReleasyMetrics metrics, ILogger<IdempotencyService> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 128;
    private const int RecordLifetimeSeconds = 86_400;
    private const int MaxAttempts = 5;

    /// <summary>The trimmed key, null when the header is absent, or the contract's 400 for a bad value.</summary>
    public static (string? Key, ApiError? Error) ReadKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[HeaderName];
        if (values.Count == 0 || values[0] is not { } raw)
        {
            return (null, null);
        }

        if (!Credentials.IsVisibleAscii(raw))
        {
            return (null, ApiError.BadRequest("idempotency-key must be valid ASCII"));
        }

        var key = raw.Trim();
        return key.Length switch
        {
            0 => (null, ApiError.BadRequest("idempotency-key must not be empty")),
            > MaxKeyLength => (null, ApiError.BadRequest("idempotency-key is too long")),
            _ => (key, null),
        };
    }

    /// <summary>Runs <paramref name="operation"/> once per key and fingerprint; replays its 200 body after that.</summary>
    public async Task<IResult> RunAsync<T>(
        HttpRequest request, string endpoint, string fingerprint, Func<Task<Outcome<T>>> operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var (key, headerError) = ReadKey(request);
        if (headerError is not null)
        {
            return headerError;
        }

        if (key is null)
        {
            return (await operation()).ToResult();
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            int inserted;
            try
            {
                inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO idempotency_keys (idempotency_key, endpoint, request_hash, response_status, response_body, state, created_at, expires_at)
                    VALUES ({key}, {endpoint}, {fingerprint}, NULL, NULL, {IdempotencyRecord.InProgress}, {now}, {now + RecordLifetimeSeconds})
                    ON CONFLICT (idempotency_key, endpoint) DO NOTHING
                    """, ct);
            }
            catch (DbException ex)
            {
                LogFailure(logger, ex, endpoint);
                return ApiError.Internal("failed to reserve idempotency key");
            }

            if (inserted == 1)
            {
                return await RunReservedAsync(key, endpoint, operation);
            }

            IdempotencyRecord? existing;
            try
            {
                existing = await db.IdempotencyKeys.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.IdempotencyKey == key && r.Endpoint == endpoint, ct);
                if (existing is not null && existing.ExpiresAt <= now)
                {
                    // Lazy expiry: there is no background purge.
                    await db.IdempotencyKeys
                        .Where(r => r.IdempotencyKey == key && r.Endpoint == endpoint && r.ExpiresAt <= now)
                        .ExecuteDeleteAsync(ct);
                    continue;
                }
            }
            catch (DbException ex)
            {
                LogFailure(logger, ex, endpoint);
                return ApiError.Internal("failed to lookup idempotency key");
            }

            if (existing is null)
            {
                continue;
            }

            if (existing.RequestHash != fingerprint)
            {
                return ApiError.IdempotencyConflict;
            }

            if (existing.State != IdempotencyRecord.Completed)
            {
                return ApiError.IdempotencyInProgress;
            }

            return existing.ResponseBody is { } body ? Replay(endpoint, body) : ApiError.Internal("idempotency response missing");
        }

        return ApiError.IdempotencyInProgress;
    }

    private async Task<IResult> RunReservedAsync<T>(string key, string endpoint, Func<Task<Outcome<T>>> operation)
    {
        Outcome<T> outcome;
        try
        {
            outcome = await operation();
        }
        catch
        {
            await ReleaseAsync(key, endpoint);
            throw;
        }

        if (outcome.Error is not null)
        {
            await ReleaseAsync(key, endpoint);
            return outcome.ToResult();
        }

        var body = System.Text.Json.JsonSerializer.Serialize(outcome.Value, ReleasyJson.Options);
        try
        {
            db.ChangeTracker.Clear();
            // Not the request's token: the operation has committed, so a client that hung up must still be able
            // to replay it on retry rather than meet an in-progress key for a day.
            await db.IdempotencyKeys
                .Where(r => r.IdempotencyKey == key && r.Endpoint == endpoint)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.ResponseStatus, StatusCodes.Status200OK)
                    .SetProperty(r => r.ResponseBody, body)
                    .SetProperty(r => r.State, IdempotencyRecord.Completed), CancellationToken.None);
        }
        catch (DbException ex)
        {
            // The client still gets its 200; only the replay is lost.
            LogFailure(logger, ex, endpoint);
        }

        return Results.Text(body, "application/json", statusCode: StatusCodes.Status200OK);
    }

    /// <summary>The stored 200 body, re-serialized; a body that is not JSON is the contract's 500 (4.5).</summary>
    private IResult Replay(string endpoint, string body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            metrics.IdempotentResponseReplayed(endpoint);
            return Results.Text(System.Text.Json.JsonSerializer.Serialize(document.RootElement, ReleasyJson.Options),
                "application/json", statusCode: StatusCodes.Status200OK);
        }
        catch (System.Text.Json.JsonException)
        {
            return ApiError.Internal("failed to decode idempotency response");
        }
    }

    private async Task ReleaseAsync(string key, string endpoint)
    {
        try
        {
            // Not the request's token: an aborted request must still free its key.
            await db.IdempotencyKeys
                .Where(r => r.IdempotencyKey == key && r.Endpoint == endpoint)
                .ExecuteDeleteAsync(CancellationToken.None);
        }
        catch (DbException ex)
        {
            LogFailure(logger, ex, endpoint);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Idempotency record operation failed for endpoint {Endpoint}")]
    private static partial void LogFailure(ILogger logger, Exception exception, string endpoint);
}
