using System.Text.Json;
using System.Text.Json.Nodes;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Entitlements;

/// <summary><c>metadata</c> may be any JSON value; null and absent both store NULL (contract 3.5.2).</summary>
public sealed record CreateEntitlementRequest(
    [property: TextLimit(InputLimits.ProductChars)] string Product, long StartsAt, long? EndsAt = null, JsonElement? Metadata = null);

/// <summary>
/// Every field optional; <c>ends_at</c> and <c>metadata</c> tell null (clear) from absent (§0.1).
/// </summary>
public sealed record UpdateEntitlementRequest(
    [property: TextLimit(InputLimits.ProductChars)] string? Product = null, long? StartsAt = null, Optional<long?> EndsAt = default, Optional<JsonElement?> Metadata = default);

public sealed record EntitlementView(string Id, string CustomerId, string Product, long StartsAt, long? EndsAt, JsonNode? Metadata)
{
    /// <summary>The view of a stored row; null when its metadata text is not valid JSON.</summary>
    public static EntitlementView? From(Entitlement e)
    {
        ArgumentNullException.ThrowIfNull(e);
        try
        {
            return new EntitlementView(e.Id, e.CustomerId, e.Product, e.StartsAt, e.EndsAt, StoredJson.Parse(e.Metadata));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record EntitlementList(IReadOnlyList<EntitlementView> Entitlements, int Limit, long Offset);

/// <summary>An empty <c>product</c> filter is ignored (§0.1).</summary>
public sealed record EntitlementListQuery(string? Product, Paging Paging)
{
    public static ValueTask<EntitlementListQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = new StrictQuery(context.Request.Query);
        return ValueTask.FromResult<EntitlementListQuery?>(new EntitlementListQuery(query.Filter("product"), Paging.From(query)));
    }
}
