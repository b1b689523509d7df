using System.Data.Common;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> state machine of contract 4.5: reserve atomically, run, then store the
/// 200 body for replay, or release the key on any error (failures are never cached).
/// The operation and the stored body commit in one transaction, so an <c>in_progress</c> row never stands for
/// committed work; a reservation is a lease of <see cref="LeaseSeconds"/>, and a retry after that takes over a
/// key whose holder died instead of meeting 409 for a day. The holder locks its row for the whole transaction,
/// so a takeover waits for a live holder and then finds its completed row.
/// </summary>
public sealed partial class IdempotencyService(
    ReleasyDbContext db, TimeProvider clock, ReleasyMetrics metrics, ILogger<IdempotencyService> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 128;
    private const int RecordLifetimeSeconds = 86_400;
    private const int MaxAttempts = 5;

    /// <summary>How long an <c>in_progress</c> reservation blocks its key before a retry may take it over.</summary>
    public const int LeaseSeconds = 60;

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
                return await RunReservedAsync(key, endpoint, now, operation, ct);
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

                if (existing is not null && existing.State == IdempotencyRecord.InProgress && existing.CreatedAt + LeaseSeconds <= now)
                {
                    // An expired lease: its operation never committed (it would have completed the row in the same
                    // transaction). Waits on the row lock of a holder still running, then matches nothing.
                    await db.IdempotencyKeys
                        .Where(r => r.IdempotencyKey == key && r.Endpoint == endpoint
                            && r.State == IdempotencyRecord.InProgress && r.CreatedAt == existing.CreatedAt)
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

    private async Task<IResult> RunReservedAsync<T>(
        string key, string endpoint, long reservedAt, Func<Task<Outcome<T>>> operation, CancellationToken ct)
    {
        Outcome<T> outcome;
        string body;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                // Locks the row until commit: a retry taking over an expired lease waits for this transaction.
                if (await db.Database.ExecuteSqlInterpolatedAsync($"""
                    UPDATE idempotency_keys SET state = {IdempotencyRecord.InProgress}
                    WHERE idempotency_key = {key} AND endpoint = {endpoint} AND created_at = {reservedAt} AND state = {IdempotencyRecord.InProgress}
                    """, ct) == 0)
                {
                    return ApiError.IdempotencyInProgress; // Taken over before this request got to run.
                }

                outcome = await operation();
                if (outcome.Error is not null)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    await ReleaseAsync(key, endpoint);
                    return outcome.ToResult();
                }

                body = System.Text.Json.JsonSerializer.Serialize(outcome.Value, ReleasyJson.Options);
                db.ChangeTracker.Clear();
                // Not the request's token from here: the work is done, and a client that hung up must still be
                // able to replay it on retry.
                await db.IdempotencyKeys
                    .Where(r => r.IdempotencyKey == key && r.Endpoint == endpoint)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.ResponseStatus, StatusCodes.Status200OK)
                        .SetProperty(r => r.ResponseBody, body)
                        .SetProperty(r => r.State, IdempotencyRecord.Completed), CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException)
            {
                // The operation and its stored answer commit together or not at all: nothing was done.
                LogFailure(logger, ex, endpoint);
                await RollbackQuietlyAsync(transaction);
                await ReleaseAsync(key, endpoint);
                return ApiError.Internal(FailureMessage(endpoint));
            }
            catch
            {
                await RollbackQuietlyAsync(transaction);
                await ReleaseAsync(key, endpoint);
                throw;
            }
        }

        return Results.Text(body, "application/json", statusCode: StatusCodes.Status200OK);
    }

    /// <summary>The endpoint's own 500 message (Appendix A) for work that could not be committed.</summary>
    private static string FailureMessage(string endpoint) => endpoint switch
    {
        "admin_create_customer" => "failed to create customer",
        "create_entitlement" => "failed to create entitlement",
        "create_release" => "failed to create release",
        "presign_release_artifact_upload" => "failed to presign upload",
        "register_release_artifact" => "failed to register artifact",
        "create_download_token" => "failed to create download token",
        _ => "failed to encode idempotency payload",
    };

    private static async Task RollbackQuietlyAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // The connection is gone; the server has rolled back already.
        }
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
