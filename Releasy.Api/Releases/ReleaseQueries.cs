using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Releases;

/// <summary>
/// The operator view's reads behind <c>GET /v1/releases</c> (contract 3.6.2): one page, one artifact batch. The
/// customer view reads through <see cref="CustomerReleasePages"/>.
/// </summary>
internal static class ReleaseQueries
{
    /// <summary>Operator view: exact-equality filters, AND-combined.</summary>
    public static IQueryable<Release> ForOperator(ReleasyDbContext db, ReleaseListQuery query)
    {
        var releases = db.Releases.AsNoTracking();
        if (query.Product is { } product)
        {
            releases = releases.Where(r => r.Product == product);
        }

        if (query.Version is { } version)
        {
            releases = releases.Where(r => r.Version == version);
        }

        if (query.Status is { } status)
        {
            releases = releases.Where(r => r.Status == status);
        }

        return releases;
    }

    /// <summary>
    /// Customer view: the products whose published releases are visible (<see cref="CustomerReleasePages"/> reads
    /// them). Null when nothing can be visible (no entitlement, or a <c>product</c> filter outside the entitled
    /// set): an empty list, never a 403.
    /// </summary>
    public static List<string>? VisibleProducts(ReleaseListQuery query, List<string> entitled)
    {
        if (query.Product is { } product)
        {
            entitled = entitled.Contains(product, StringComparer.Ordinal) ? [product] : [];
        }

        return entitled.Count == 0 ? null : entitled;
    }

    /// <summary>Newest first; the id breaks ties so pages never overlap.</summary>
    public static Task<List<ReleaseView>> PageAsync(IQueryable<Release> releases, int limit, long offset, CancellationToken ct) =>
        releases
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Page(limit, offset)
            .Select(r => new ReleaseView(r.Id, r.Product, r.Version, r.Status, r.CreatedAt, r.PublishedAt, null))
            .ToListAsync(ct);

    /// <summary>
    /// Gives every release of the page its artifacts (possibly none), oldest first, loaded in a single query
    /// for the whole page.
    /// </summary>
    public static async Task<List<ReleaseView>> WithArtifactsAsync(ReleasyDbContext db, List<ReleaseView> page, CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return page;
        }

        var ids = page.Select(r => r.Id).ToList();
        var artifacts = await db.Artifacts.AsNoTracking()
            .Where(a => ids.Contains(a.ReleaseId))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Select(a => new { a.ReleaseId, Summary = new ArtifactSummary(a.Id, a.ObjectKey, a.Platform, a.Checksum, a.Size) })
            .ToListAsync(ct);
        var byRelease = artifacts.ToLookup(a => a.ReleaseId, a => a.Summary, StringComparer.Ordinal);
        return page.ConvertAll(r => r with { Artifacts = byRelease[r.Id].ToList() });
    }
}
