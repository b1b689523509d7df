namespace Releasy.Api.Http;

/// <summary>Applies a validated <see cref="Paging"/> to an ordered query.</summary>
public static class PagingQueries
{
    /// <summary>One page: skips <paramref name="offset"/> rows (clamped to what the providers accept) and takes <paramref name="limit"/>.</summary>
    public static IQueryable<T> Page<T>(this IQueryable<T> ordered, int limit, long offset) =>
        ordered.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit);
}
