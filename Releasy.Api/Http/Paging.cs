namespace Releasy.Api.Http;

/// <summary>The <c>limit</c>/<c>offset</c> pair of every list endpoint, as parsed from the query.</summary>
public sealed record Paging(uint? Limit, uint? Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static Paging From(StrictQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new Paging(query.Count("limit"), query.Count("offset"));
    }

    /// <summary>Validates after the endpoint's filters, as the contract orders it.</summary>
    public ApiError? Validate(out int limit, out long offset)
    {
        limit = (int)Math.Min(Limit ?? DefaultLimit, int.MaxValue);
        offset = Offset ?? 0;
        return Limit switch
        {
            0 => ApiError.BadRequest("limit must be positive"),
            > MaxLimit => ApiError.BadRequest("limit must be <= 200"),
            _ => null,
        };
    }
}
