using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Releasy.Api.Audit;
using Releasy.Api.Data;
using Releasy.Api.Http;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Auth;

/// <summary>
/// Customer API key authentication in the contract's exact order (2.7.2). Every outcome queues an
/// <c>api_key.auth</c> audit event (<see cref="AuditQueue"/>) and records the matching <c>releasy.api_key.auth</c>
/// measurement; success also records the key's use, which <see cref="KeyUsageWriter"/> stamps on
/// <c>last_used_at</c> a few seconds later (contract 0.10). Only the rare legacy-hash upgrade writes during the request.
/// </summary>
public sealed partial class ApiKeyAuthenticator(
    ReleasyDbContext db, ApiKeyLookup lookup, SecretHasher hasher, VerifiedKeyCache cache, ApiKeyVerificationGuard guard,
    AuditQueue audit, KeyUsageRecorder usage, TimeProvider clock, ReleasyMetrics metrics, ILogger<ApiKeyAuthenticator> logger)
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
            return Reject(null, "missing_header", now);
        }

        var prefix = SecretHasher.LookupPrefix(presented);
        IReadOnlyList<KeyCandidate> candidates;
        try
        {
            candidates = await lookup.FindAsync(db, prefix, ct);
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
                return Reject(null, "not_found", now);
            }

            var verdict = await guard.VerifyOnceAsync(fingerprint, () => VerifyGuardedAsync(candidates, presented, prefix, fingerprint), ct);
            if (verdict.ShedBy is { } limit)
            {
                return Shed(limit);
            }

            if (verdict.Match is null)
            {
                return Reject(null, "not_found", now);
            }

            match = verdict.Match;
        }

        var key = match;
        var reason = key.SuspendedAt is not null ? "suspended"
            : key.RevokedAt is not null ? "revoked"
            : key.ExpiresAt is { } expires && expires <= now ? "expired"
            : null;
        if (reason is not null)
        {
            return Reject(key, reason, now);
        }

        if (ParseScopes(key.Scopes) is not { } scopes)
        {
            return Reject(key, "invalid_scopes", now);
        }

        if (legacy)
        {
            var (upgraded, error) = await UpgradeLegacyHashAsync(key, presented, fingerprint, ct);
            if (error is not null)
            {
                return ApiKeyAuthResult.Failure(error);
            }

            if (!upgraded)
            {
                return Reject(key, "not_found", now); // The key vanished between lookup and update.
            }
        }

        return Accept(key, scopes, now);
    }

    /// <summary>A match without Argon2id: a hash this secret already verified against, or a legacy SHA-256 hash.</summary>
    private (KeyCandidate? Match, bool Legacy) FindKnownMatch(IReadOnlyList<KeyCandidate> candidates, string fingerprint)
    {
        foreach (var candidate in candidates)
        {
            var stored = candidate.KeyHash;
            if (stored.StartsWith(ArgonPrefix, StringComparison.Ordinal))
            {
                if (cache.IsVerified(fingerprint, candidate.Id, stored))
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

    /// <summary>One verification as far as the guard allows: the prefix's allowance, then a slot.</summary>
    private async Task<Verdict> VerifyGuardedAsync(IReadOnlyList<KeyCandidate> candidates, string presented, string prefix, string fingerprint)
    {
        if (!guard.TryTakePrefixAllowance(prefix))
        {
            return new Verdict(null, "prefix");
        }

        using var slot = await guard.EnterAsync(CancellationToken.None);
        if (slot is null)
        {
            return new Verdict(null, "slots");
        }

        var match = Verify(candidates, presented, fingerprint);
        if (match is null)
        {
            guard.RememberFailure(fingerprint);
        }

        return new Verdict(match, null);
    }

    /// <summary>
    /// Argon2id against each stored hash; a prefix without one (unknown, or legacy only) costs one verification
    /// against the dummy hash instead, so the answer time does not tell whether the prefix exists.
    /// </summary>
    private KeyCandidate? Verify(IReadOnlyList<KeyCandidate> candidates, string presented, string fingerprint)
    {
        var verified = false;
        foreach (var candidate in candidates)
        {
            var stored = candidate.KeyHash;
            if (!stored.StartsWith(ArgonPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            verified = true;
            metrics.ApiKeyVerified(dummy: false);
            if (hasher.VerifyApiKey(stored, presented))
            {
                cache.Remember(fingerprint, candidate.Id, stored);
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

    /// <summary>
    /// Replaces a legacy SHA-256 hash with Argon2id, synchronously (it happens once per legacy key): whether a row
    /// was updated, or the contract's 500.
    /// </summary>
    private async Task<(bool Upgraded, ApiError? Error)> UpgradeLegacyHashAsync(KeyCandidate key, string presented, string fingerprint, CancellationToken ct)
    {
        var upgraded = hasher.HashApiKey(presented);
        int updated;
        try
        {
            updated = await db.ApiKeys.Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.KeyHash, upgraded), ct);
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, key.KeyPrefix);
            return (false, ApiError.Internal("failed to update api key hash"));
        }
        finally
        {
            lookup.Forget(key.KeyPrefix);
        }

        if (updated == 0)
        {
            return (false, null);
        }

        cache.Remember(fingerprint, key.Id, upgraded);
        return (true, null);
    }

    /// <summary>
    /// Success. The <c>last_used_at</c> stamp is deferred: a key deleted concurrently (only possible by SQL) is
    /// accepted for this request, and the later stamp then touches no row, which is ignored.
    /// </summary>
    private ApiKeyAuthResult Accept(KeyCandidate key, List<string> scopes, long now)
    {
        usage.Record(key.Id, now);
        audit.Enqueue(ApiKeyAuthAudit.Create(key.CustomerId, key.Id, accepted: true, "ok", now));
        LogAccepted(logger, key.Id, key.CustomerId);
        metrics.ApiKeyAuthenticated(accepted: true, "ok");
        return ApiKeyAuthResult.Success(new ApiKeyPrincipal(key.Id, key.CustomerId, key.KeyType, scopes, key.ExpiresAt));
    }

    private ApiKeyAuthResult Reject(KeyCandidate? key, string reason, long now)
    {
        audit.Enqueue(ApiKeyAuthAudit.Create(key?.CustomerId, key?.Id, accepted: false, reason, now));
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

    /// <summary>A shared verification's outcome: the matching key, or the guard limit that refused the work.</summary>
    private sealed record Verdict(KeyCandidate? Match, string? ShedBy);

    [LoggerMessage(Level = LogLevel.Error, Message = "API key database operation failed for prefix {KeyPrefix}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string keyPrefix);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key {ApiKeyId} of customer {CustomerId} accepted")]
    private static partial void LogAccepted(ILogger logger, string apiKeyId, string customerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key verification shed: the {Limit} limit is reached")]
    private static partial void LogShed(ILogger logger, string limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key rejected: {Reason} (key {ApiKeyId})")]
    private static partial void LogRejected(ILogger logger, string reason, string? apiKeyId);
}
