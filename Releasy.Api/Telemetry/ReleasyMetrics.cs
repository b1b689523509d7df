using System.Diagnostics.Metrics;

namespace Releasy.Api.Telemetry;

/// <summary>
/// The business counters of the API, on the <c>Releasy.Api</c> meter (the service defaults export every
/// <c>Releasy.*</c> meter). Tags carry fixed vocabularies only: never a key, a token or an id.
/// </summary>
public sealed class ReleasyMetrics
{
    public const string MeterName = "Releasy.Api";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    private readonly Counter<long> _downloadTokensIssued;
    private readonly Counter<long> _downloadsRedirected;
    private readonly Counter<long> _apiKeyAuth;
    private readonly Counter<long> _apiKeyVerifications;
    private readonly Counter<long> _idempotencyReplayed;
    private readonly Counter<long> _releasesPublished;
    private readonly Counter<long> _auditDropped;
    private readonly Counter<long> _auditWriteFailed;
    private readonly Counter<long> _auditPruned;

    public ReleasyMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _downloadTokensIssued = meter.CreateCounter<long>(
            "releasy.download_tokens.issued", "{token}", "Download tokens issued to customers");
        _downloadsRedirected = meter.CreateCounter<long>(
            "releasy.downloads.redirected", "{download}", "Download tokens resolved to a storage redirect");
        _apiKeyAuth = meter.CreateCounter<long>(
            "releasy.api_key.auth", "{attempt}", "Customer API key authentications, by outcome and reason");
        _apiKeyVerifications = meter.CreateCounter<long>(
            "releasy.api_key.verifications", "{verification}", "Argon2id verifications of presented API keys, by hash (stored or dummy)");
        _idempotencyReplayed = meter.CreateCounter<long>(
            "releasy.idempotency.replayed", "{response}", "Stored responses replayed for a repeated Idempotency-Key");
        _releasesPublished = meter.CreateCounter<long>(
            "releasy.releases.published", "{release}", "Releases moved from draft to published");
        _auditDropped = meter.CreateCounter<long>(
            "releasy.audit.dropped", "{event}", "Audit events dropped because the audit queue was full or closed");
        _auditWriteFailed = meter.CreateCounter<long>(
            "releasy.audit.write_failed", "{event}", "Audit events lost because their batch insert failed");
        _auditPruned = meter.CreateCounter<long>(
            "releasy.audit.pruned", "{event}", "Audit events deleted by the retention pruner");
    }

    public void DownloadTokenIssued() => _downloadTokensIssued.Add(1);

    public void DownloadRedirected() => _downloadsRedirected.Add(1);

    /// <summary>One authentication; <paramref name="reason"/> is the audit event's reason (<c>ok</c>, <c>revoked</c>, …).</summary>
    public void ApiKeyAuthenticated(bool accepted, string reason) =>
        _apiKeyAuth.Add(1, new KeyValuePair<string, object?>("outcome", accepted ? Accepted : Rejected),
            new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One Argon2id verification, against a stored hash or (for a prefix without one) the dummy hash.</summary>
    public void ApiKeyVerified(bool dummy) =>
        _apiKeyVerifications.Add(1, new KeyValuePair<string, object?>("hash", dummy ? "dummy" : "stored"));

    /// <summary>A replay; <paramref name="endpoint"/> is the idempotency scope's fixed name (<c>create_release</c>, …).</summary>
    public void IdempotentResponseReplayed(string endpoint) =>
        _idempotencyReplayed.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public void ReleasePublished() => _releasesPublished.Add(1);

    public void AuditDropped() => _auditDropped.Add(1);

    public void AuditWriteFailed(int events) => _auditWriteFailed.Add(events);

    public void AuditPruned(int events) => _auditPruned.Add(events);
}
