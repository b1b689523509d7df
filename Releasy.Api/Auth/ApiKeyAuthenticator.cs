using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Releasy.Api.Audit;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Auth;

/// <summary>
/// Customer API key authentication in the contract's exact order (2.7.2). Every outcome writes an
/// <c>api_key.auth</c> audit event and the matching <c>releasy.api_key.auth</c> measurement; success also stamps
/// <c>last_used_at</c>, in the same save.
/// </summary>
public sealed partial class ApiKeyAuthenticator(
    ReleasyDbContext db, SecretHasher hasher, VerifiedKeyCache cache, ApiKeyVerificationGuard guard, TimeProvider clock,
    ReleasyMetrics metrics, ILogger<ApiKeyAuthenticator> logger)
{
    /// <summary>The 503 of a request shed before verification (<see cref="ApiKeyVerificationGuard"/>).</summary>
    public const string BusyMessage = "api key verification busy";
    private const string ArgonPrefix = "$argon2";

    public async Task<ApiKeyAuthResult> AuthenticateAsync(string? presented, CancellationToken ct)
    {
        using var activity = ReleasyActivities.Source.StartActivity("authenticate api key");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (presented is null)
        {
            return await RejectAsync(null, "missing_header", now, ct);
        }

        var prefix = SecretHasher.LookupPrefix(presented);
        List<Candidate> candidates;
        try
        {
            candidates = await db.ApiKeys
                .Where(k => k.KeyPrefix == prefix)
                .Join(db.Customers, k => k.CustomerId, c => c.Id, (k, c) => new Candidate(k, c.SuspendedAt))
                .ToListAsync(ct);
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, prefix);
            return ApiKeyAuthResult.Failure(ApiError.Internal("api key lookup failed"));
        }

        var fingerprint = hasher.Sha256Hex(presented);
        var (match, legacy) = FindKnownMatch(candidates, fingerprint);
        if (match is null)
        {
            // Only secrets not known to be good reach Argon2id, and only as far as the guard allows.
            if (guard.FailedRecently(fingerprint))
            {
                return await RejectAsync(null, "not_found", now, ct);
            }

            if (!guard.TryTakePrefixAllowance(prefix))
            {
                return Shed("prefix");
            }

            using (var slot = await guard.EnterAsync(ct))
            {
                if (slot is null)
                {
                    return Shed("slots");
                }

                match = Verify(candidates, presented, fingerprint);
            }

            if (match is null)
            {
                guard.RememberFailure(fingerprint);
                return await RejectAsync(null, "not_found", now, ct);
            }
        }

        var key = match.Key;
        var reason = match.SuspendedAt is not null ? "suspended"
            : key.RevokedAt is not null ? "revoked"
            : key.ExpiresAt is { } expires && expires <= now ? "expired"
            : null;
        if (reason is not null)
        {
            return await RejectAsync(key, reason, now, ct);
        }

        if (ParseScopes(key.Scopes) is not { } scopes)
        {
            return await RejectAsync(key, "invalid_scopes", now, ct);
        }

        return await AcceptAsync(key, legacy ? hasher.HashApiKey(presented) : null, scopes, now, ct);
    }

    /// <summary>A match without Argon2id: a hash this secret already verified against, or a legacy SHA-256 hash.</summary>
    private (Candidate? Match, bool Legacy) FindKnownMatch(List<Candidate> candidates, string fingerprint)
    {
        foreach (var candidate in candidates)
        {
            var stored = candidate.Key.KeyHash;
            if (stored.StartsWith(ArgonPrefix, StringComparison.Ordinal))
            {
                if (cache.IsVerified(fingerprint, candidate.Key.Id, stored))
                {
                    return (candidate, false);
                }
            }
            else if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(fingerprint)))
            {
                return (candidate, true);
            }
        }

        return (null, false);
    }

    /// <summary>
    /// Argon2id against each stored hash; a prefix without one (unknown, or legacy only) costs one verification
    /// against the dummy hash instead, so the answer time does not tell whether the prefix exists.
    /// </summary>
    private Candidate? Verify(List<Candidate> candidates, string presented, string fingerprint)
    {
        var verified = false;
        foreach (var candidate in candidates)
        {
            var stored = candidate.Key.KeyHash;
            if (!stored.StartsWith(ArgonPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            verified = true;
            metrics.ApiKeyVerified(dummy: false);
            if (hasher.VerifyApiKey(stored, presented))
            {
                cache.Remember(fingerprint, candidate.Key.Id, stored);
                return candidate;
            }
        }

        if (!verified)
        {
            metrics.ApiKeyVerified(dummy: true);
            hasher.VerifyAgainstDummy(presented);
        }

        return null;
    }

    /// <summary>
    /// No verification was possible now: a 503 in the envelope, not a 401, because the key was never judged. Nothing
    /// is audited (no authentication happened); the metric counts it as <c>throttled</c>.
    /// </summary>
    private ApiKeyAuthResult Shed(string limit)
    {
        LogShed(logger, limit);
        metrics.ApiKeyAuthenticated(accepted: false, "throttled");
        return ApiKeyAuthResult.Failure(ApiError.ServiceUnavailable(BusyMessage));
    }

    private async Task<ApiKeyAuthResult> AcceptAsync(ApiKey key, string? upgradedHash, List<string> scopes, long now, CancellationToken ct)
    {
        if (upgradedHash is not null)
        {
            key.KeyHash = upgradedHash;
        }

        key.LastUsedAt = now;
        db.AuditEvents.Add(ApiKeyAuthAudit.Create(key.CustomerId, key.Id, accepted: true, "ok", now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The key vanished between lookup and update (RejectAsync drops the tracked changes).
            return await RejectAsync(key, "not_found", now, ct);
        }
        catch (DbUpdateException ex)
        {
            db.ChangeTracker.Clear();
            LogDatabaseFailure(logger, ex, key.KeyPrefix);
            return ApiKeyAuthResult.Failure(ApiError.Internal(
                upgradedHash is null ? "failed to update api key usage" : "failed to update api key hash"));
        }

        LogAccepted(logger, key.Id, key.CustomerId);
        metrics.ApiKeyAuthenticated(accepted: true, "ok");
        return ApiKeyAuthResult.Success(new ApiKeyPrincipal(key.Id, key.CustomerId, key.KeyType, scopes, key.ExpiresAt));
    }

    private async Task<ApiKeyAuthResult> RejectAsync(ApiKey? key, string reason, long now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        db.AuditEvents.Add(ApiKeyAuthAudit.Create(key?.CustomerId, key?.Id, accepted: false, reason, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Audit writes are best-effort: a failed one never changes the answer.
            db.ChangeTracker.Clear();
            LogAuditFailure(logger, ex, reason);
        }

        LogRejected(logger, reason, key?.Id);
        metrics.ApiKeyAuthenticated(accepted: false, reason);
        return ApiKeyAuthResult.Failure(ApiError.Unauthorized());
    }

    internal static List<string>? ParseScopes(string stored)
    {
        try
        {
            using var document = JsonDocument.Parse(stored);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var scopes = new List<string>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                scopes.Add(item.GetString()!);
            }

            return scopes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Candidate(ApiKey Key, long? SuspendedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "API key database operation failed for prefix {KeyPrefix}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string keyPrefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the api_key.auth audit event ({Reason})")]
    private static partial void LogAuditFailure(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key {ApiKeyId} of customer {CustomerId} accepted")]
    private static partial void LogAccepted(ILogger logger, string apiKeyId, string customerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key verification shed: the {Limit} limit is reached")]
    private static partial void LogShed(ILogger logger, string limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key rejected: {Reason} (key {ApiKeyId})")]
    private static partial void LogRejected(ILogger logger, string reason, string? apiKeyId);
}
