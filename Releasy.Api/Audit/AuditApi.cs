using System.Data.Common;
using System.Text.Json;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Audit;

/// <summary>The audit log, read-only (contract 3.9).</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/audit-events").WithTags("Audit");
        group.MapGet("", ListAuditEvents).RequireOperator(RoleCheck.Support);
        return group;
    }

    public static async Task<IResult> ListAuditEvents(AuditEventListQuery query, ReleasyDbContext db, CancellationToken ct)
    {
        if (ValidateRange(query.CreatedFrom, query.CreatedTo) is { } rangeError)
        {
            return rangeError;
        }

        if (query.Paging.Validate(out var limit, out var offset) is { } pagingError)
        {
            return pagingError;
        }

        var events = db.AuditEvents.AsNoTracking();
        if (query.CustomerId is { } customerId)
        {
            events = events.Where(e => e.CustomerId == customerId);
        }

        if (query.Actor is { } actor)
        {
            events = events.Where(e => e.Actor == actor);
        }

        if (query.Event is { } name)
        {
            events = events.Where(e => e.Event == name);
        }

        if (query.CreatedFrom is { } from)
        {
            events = events.Where(e => e.CreatedAt >= from);
        }

        if (query.CreatedTo is { } to)
        {
            events = events.Where(e => e.CreatedAt <= to);
        }

        List<AuditEvent> page;
        try
        {
            page = await events
                .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
                .Page(limit, offset)
                .ToListAsync(ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to list audit events");
        }

        try
        {
            var views = page.ConvertAll(e => new AuditEventView(
                e.Id, e.CustomerId, e.Actor, e.Event, StoredJson.Parse(e.Payload), e.CreatedAt));
            return TypedResults.Json(new AuditEventList(views, limit, offset), ReleasyJson.Options);
        }
        catch (JsonException)
        {
            return ApiError.Internal("invalid audit payload");
        }
    }

    /// <summary>The bounds in the contract's order: from, to, then the range.</summary>
    private static ApiError? ValidateRange(long? from, long? to) => (from, to) switch
    {
        ( < 0, _) => ApiError.BadRequest("created_from must be >= 0"),
        (_, < 0) => ApiError.BadRequest("created_to must be >= 0"),
        ({ } f, { } t) when f > t => ApiError.BadRequest("created_from must be <= created_to"),
        _ => null,
    };
}
