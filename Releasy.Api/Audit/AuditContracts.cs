using System.Text.Json.Nodes;
using Releasy.Api.Http;

namespace Releasy.Api.Audit;

/// <summary><c>payload</c> is the stored JSON text parsed back, keys sorted (contract 3.9).</summary>
public sealed record AuditEventView(string Id, string? CustomerId, string Actor, string Event, JsonNode? Payload, long CreatedAt);

public sealed record AuditEventList(IReadOnlyList<AuditEventView> Events, int Limit, long Offset);

/// <summary>Empty string filters are ignored (§0.1); the numeric bounds are parsed strictly.</summary>
public sealed record AuditEventListQuery(
    string? CustomerId, string? Actor, string? Event, long? CreatedFrom, long? CreatedTo, Paging Paging)
{
    public static ValueTask<AuditEventListQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = new StrictQuery(context.Request.Query);
        return ValueTask.FromResult<AuditEventListQuery?>(new AuditEventListQuery(
            query.Filter("customer_id"), query.Filter("actor"), query.Filter("event"),
            query.Number("created_from"), query.Number("created_to"), Paging.From(query)));
    }
}
