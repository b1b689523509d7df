using Releasy.Api.Data;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Downloads;

/// <summary>
/// The reads of token issue and redemption, one compiled, untracked query each (left joins, so the caller can still
/// tell every missing row apart and answer in the contract's order). The entitlement test is
/// <see cref="Entitlements.EntitlementQueries.ActiveAt"/> written out, as a compiled query cannot call it. Per
/// instance, not static: a compiled query belongs to one model, and a process may host both providers.
/// </summary>
public sealed class DownloadQueries
{
    private readonly Func<ReleasyDbContext, string, string, long, CancellationToken, Task<IssueCheck?>> _issue = EF.CompileAsyncQuery(
        (ReleasyDbContext db, string artifactId, string customerId, long now, CancellationToken ct) =>
            (from a in db.Artifacts
             where a.Id == artifactId
             join r in db.Releases on a.ReleaseId equals r.Id into releases
             from r in releases.DefaultIfEmpty()
             select new IssueCheck(
                 a.Id,
                 r != null ? r.Status : null,
                 db.Entitlements.Any(e => e.CustomerId == customerId && e.Product == r!.Product
                     && e.StartsAt <= now && (e.EndsAt == null || e.EndsAt >= now))))
            .FirstOrDefault());

    private readonly Func<ReleasyDbContext, string, long, CancellationToken, Task<Redemption?>> _redeem = EF.CompileAsyncQuery(
        (ReleasyDbContext db, string tokenHash, long now, CancellationToken ct) =>
            (from t in db.DownloadTokens
             where t.TokenHash == tokenHash
             join c in db.Customers on t.CustomerId equals c.Id into customers
             from c in customers.DefaultIfEmpty()
             join a in db.Artifacts on t.ArtifactId equals a.Id into artifacts
             from a in artifacts.DefaultIfEmpty()
             join r in db.Releases on a!.ReleaseId equals r.Id into releases
             from r in releases.DefaultIfEmpty()
             select new Redemption(
                 t.ArtifactId,
                 t.ExpiresAt,
                 c != null && c.SuspendedAt == null,
                 a != null ? a.ObjectKey : null,
                 r != null ? r.Status : null,
                 db.Entitlements.Any(e => e.CustomerId == t.CustomerId && e.Product == r!.Product
                     && e.StartsAt <= now && (e.EndsAt == null || e.EndsAt >= now))))
            .FirstOrDefault());

    /// <summary>The artifact, its release's status (null: no release) and whether the customer is entitled at <c>now</c>.</summary>
    public Task<IssueCheck?> IssueCheckAsync(ReleasyDbContext db, string artifactId, string customerId, long now, CancellationToken ct) =>
        _issue(db, artifactId, customerId, now, ct);

    /// <summary>Everything redemption checks, in one round trip; null when no token has this hash.</summary>
    public Task<Redemption?> RedemptionAsync(ReleasyDbContext db, string tokenHash, long now, CancellationToken ct) =>
        _redeem(db, tokenHash, now, ct);

    public sealed record IssueCheck(string ArtifactId, string? ReleaseStatus, bool Entitled)
    {
        public bool Published => ReleaseStatus == Release.Published;
    }

    /// <summary>
    /// A token with what its redemption depends on: whether its customer exists unsuspended, the artifact's object
    /// key (null: no artifact), the release's status (null: no release) and the entitlement at <c>now</c>.
    /// </summary>
    public sealed record Redemption(
        string ArtifactId, long ExpiresAt, bool CustomerActive, string? ObjectKey, string? ReleaseStatus, bool Entitled);
}
