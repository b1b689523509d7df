using System.Data.Common;
using System.Text.Json;
using Releasy.Api.Caching;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Releases;

/// <summary>
/// The customer view's page of published releases (contract 3.6.2), with their artifacts when asked: two compiled
/// queries, cached briefly (<see cref="ShortLivedCache{TKey, TValue}"/>) per product set, version filter and page,
/// as the answer's UTF-8 JSON (a page with artifacts runs to tens of kilobytes: serialising it was most of a hit).
/// Customers entitled to the same products share entries; an unpublish or delete on any instance is visible
/// within the cache's lifetime. Entitlement is decided before, against <c>now</c>.
/// </summary>
public sealed class CustomerReleasePages(CacheEpoch epoch, TimeProvider clock)
{
    private readonly Func<ReleasyDbContext, List<string>, string?, int, int, IAsyncEnumerable<ReleaseView>> _page = EF.CompileAsyncQuery(
        (ReleasyDbContext db, List<string> products, string? version, int skip, int take) => db.Releases.AsNoTracking()
            .Where(r => r.Status == Release.Published && products.Contains(r.Product) && (version == null || r.Version == version))
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip(skip).Take(take)
            .Select(r => new ReleaseView(r.Id, r.Product, r.Version, r.Status, r.CreatedAt, r.PublishedAt, null)));

    private readonly Func<ReleasyDbContext, List<string>, IAsyncEnumerable<ArtifactOfRelease>> _artifacts = EF.CompileAsyncQuery(
        (ReleasyDbContext db, List<string> releaseIds) => db.Artifacts.AsNoTracking()
            .Where(a => releaseIds.Contains(a.ReleaseId))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Select(a => new ArtifactOfRelease(a.ReleaseId, new ArtifactSummary(a.Id, a.ObjectKey, a.Platform, a.Checksum, a.Size))));

    private readonly ShortLivedCache<PageKey, Result> _cache = new(epoch, clock, capacity: 10_000);

    /// <summary>The page, or the contract's 500 message of the read that failed (failures are not cached).</summary>
    public Task<Result> GetAsync(
        ReleasyDbContext db, List<string> products, string? version, bool includeArtifacts, int limit, long offset, CancellationToken ct) =>
        _cache.GetOrLoadAsync(
            new PageKey(string.Join('\n', products), version, includeArtifacts, limit, offset),
            (pages: this, db, products, version, includeArtifacts, limit, offset),
            static (s, ct) => s.pages.LoadAsync(s.db, s.products, s.version, s.includeArtifacts, s.limit, s.offset, ct),
            static result => result.Error is null, ct);

    private async Task<Result> LoadAsync(
        ReleasyDbContext db, List<string> products, string? version, bool includeArtifacts, int limit, long offset, CancellationToken ct)
    {
        List<ReleaseView> page;
        try
        {
            page = await _page(db, products, version, (int)Math.Min(offset, int.MaxValue), limit).ToListAsync(ct);
        }
        catch (DbException)
        {
            return new Result(null, "failed to list releases");
        }

        if (!includeArtifacts || page.Count == 0)
        {
            return Serialize(page, limit, offset);
        }

        List<ArtifactOfRelease> artifacts;
        try
        {
            artifacts = await _artifacts(db, page.ConvertAll(r => r.Id)).ToListAsync(ct);
        }
        catch (DbException)
        {
            return new Result(null, "failed to list artifacts");
        }

        var byRelease = artifacts.ToLookup(a => a.ReleaseId, a => a.Summary, StringComparer.Ordinal);
        return Serialize(page.ConvertAll(r => r with { Artifacts = byRelease[r.Id].ToList() }), limit, offset);
    }

    private static Result Serialize(List<ReleaseView> page, int limit, long offset) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new ReleaseList(page, limit, offset), ReleasyJson.Options), null);

    /// <summary>The answer's body (<see cref="ReleaseList"/> as JSON), or the contract's 500 message.</summary>
    public sealed record Result(byte[]? Json, string? Error);

    private sealed record ArtifactOfRelease(string ReleaseId, ArtifactSummary Summary);

    private readonly record struct PageKey(string Products, string? Version, bool IncludeArtifacts, int Limit, long Offset);
}
