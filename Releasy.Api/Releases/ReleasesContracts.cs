using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Releases;

public sealed record CreateReleaseRequest(
    [property: TextLimit(InputLimits.ProductChars)] string Product, [property: TextLimit(InputLimits.VersionChars)] string Version);

/// <summary>
/// A release as every endpoint returns it (contract 3.6). <c>artifacts</c> is always written: null unless a
/// listing asked for <c>include_artifacts=true</c>.
/// </summary>
public sealed record ReleaseView(
    string Id, string Product, string Version, string Status, long CreatedAt, long? PublishedAt,
    IReadOnlyList<ArtifactSummary>? Artifacts)
{
    public static ReleaseView From(Release r) => new(r.Id, r.Product, r.Version, r.Status, r.CreatedAt, r.PublishedAt, null);
}

public sealed record ArtifactSummary(string Id, string ObjectKey, string Platform, string Checksum, long Size);

public sealed record ReleaseList(IReadOnlyList<ReleaseView> Releases, int Limit, long Offset);

/// <summary>The list query, parsed while binding (so a malformed value is reported before authentication).</summary>
public sealed record ReleaseListQuery(string? Product, string? Version, string? Status, bool IncludeArtifacts, Paging Paging)
{
    public static ValueTask<ReleaseListQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = new StrictQuery(context.Request.Query);
        return ValueTask.FromResult<ReleaseListQuery?>(new ReleaseListQuery(
            query.Filter("product"), query.Filter("version"), query.Filter("status"),
            query.Boolean("include_artifacts") ?? false, Paging.From(query)));
    }
}
