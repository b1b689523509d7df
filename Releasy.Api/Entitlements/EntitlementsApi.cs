using System.Data.Common;
using System.Text.Json;
using Releasy.Api.Auth;
using Releasy.Api.Customers;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;

namespace Releasy.Api.Entitlements;

/// <summary>A customer's product entitlements (contract 3.5).</summary>
public static class EntitlementsApi
{
    private const string CustomerIdRoute = "customerId";

    public static RouteGroupBuilder MapEntitlementsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"/v1/admin/customers/{{{CustomerIdRoute}}}/entitlements").WithTags("Entitlements");
        group.MapGet("", ListEntitlements).RequireOperator(RoleCheck.Support);
        // The original checks a blank customer id before it authenticates the create request (3.5.2).
        group.MapPost("", CreateEntitlement).AddEndpointFilter(RejectBlankCustomerId).RequireOperator(RoleCheck.Admin);
        group.MapPatch("/{entitlementId}", UpdateEntitlement).RequireOperator(RoleCheck.Admin);
        group.MapDelete("/{entitlementId}", DeleteEntitlement).RequireOperator(RoleCheck.Admin);
        return group;
    }

    public static async Task<IResult> ListEntitlements(
        string customerId, EntitlementListQuery query, ReleasyDbContext db, CancellationToken ct)
    {
        var (id, error) = await CustomerLookup.FindAsync(customerId, db, ct);
        if (error is not null)
        {
            return error;
        }

        if (query.Paging.Validate(out var limit, out var offset) is { } pagingError)
        {
            return pagingError;
        }

        var entitlements = db.Entitlements.AsNoTracking().Where(e => e.CustomerId == id);
        if (query.Product is { } product)
        {
            entitlements = entitlements.Where(e => e.Product == product);
        }

        List<Entitlement> page;
        try
        {
            page = await entitlements
                .OrderBy(e => e.StartsAt).ThenBy(e => e.Id)
                .Page(limit, offset)
                .ToListAsync(ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to list entitlements");
        }

        var views = page.Select(EntitlementView.From).OfType<EntitlementView>().ToList();
        return views.Count < page.Count
            ? ApiError.Internal("invalid entitlement metadata")
            : TypedResults.Json(new EntitlementList(views, limit, offset), ReleasyJson.Options);
    }

    public static async Task<IResult> CreateEntitlement(
        string customerId, JsonBody<CreateEntitlementRequest> body, HttpRequest request, ReleasyDbContext db,
        IdempotencyService idempotency, CancellationToken ct)
    {
        var (id, error) = await CustomerLookup.FindAsync(customerId, db, ct);
        if (error is not null)
        {
            return error;
        }

        var input = body.Value;
        var metadata = input.Metadata is { ValueKind: not JsonValueKind.Null } m ? m : (JsonElement?)null;
        var fingerprint = CanonicalJson.Fingerprint(id,
            ("product", input.Product), ("starts_at", input.StartsAt), ("ends_at", input.EndsAt), ("metadata", metadata));
        return await idempotency.RunAsync(request, "create_entitlement", fingerprint, async () =>
        {
            var product = input.Product.Trim();
            if (ValidateWindow(product, "product is required", input.StartsAt, input.EndsAt) is { } invalid)
            {
                return (Outcome<EntitlementView>)invalid;
            }

            var entitlement = new Entitlement
            {
                Id = Guid.NewGuid().ToString(),
                CustomerId = id,
                Product = product,
                StartsAt = input.StartsAt,
                EndsAt = input.EndsAt,
                Metadata = metadata is { } value ? StoredJson.Serialize(value) : null,
            };
            db.Entitlements.Add(entitlement);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return ApiError.Internal("failed to create entitlement");
            }

            return EntitlementView.From(entitlement)!;
        }, ct);
    }

    public static async Task<IResult> UpdateEntitlement(
        string customerId, string entitlementId, JsonBody<UpdateEntitlementRequest> body, ReleasyDbContext db, CancellationToken ct)
    {
        var (id, error) = await CustomerLookup.FindAsync(customerId, db, ct);
        if (error is not null)
        {
            return error;
        }

        var entitlement = await db.Entitlements.SingleOrDefaultAsync(e => e.CustomerId == id && e.Id == entitlementId, ct);
        if (entitlement is null)
        {
            return ApiError.NotFound("entitlement not found");
        }

        var input = body.Value;
        var product = input.Product?.Trim() ?? entitlement.Product;
        var startsAt = input.StartsAt ?? entitlement.StartsAt;
        // An explicit null clears the end before the window is checked (§0.1).
        var endsAt = input.EndsAt.IsPresent ? input.EndsAt.Value : entitlement.EndsAt;
        if (ValidateWindow(product, "product must not be empty", startsAt, endsAt) is { } invalid)
        {
            return invalid;
        }

        entitlement.Product = product;
        entitlement.StartsAt = startsAt;
        entitlement.EndsAt = endsAt;
        if (input.Metadata.IsPresent)
        {
            entitlement.Metadata = input.Metadata.Value is { ValueKind: not JsonValueKind.Null } value ? StoredJson.Serialize(value) : null;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiError.NotFound("entitlement not found");
        }
        catch (DbUpdateException)
        {
            return ApiError.Internal("failed to update entitlement");
        }

        return EntitlementView.From(entitlement) is { } view
            ? TypedResults.Json(view, ReleasyJson.Options)
            : ApiError.Internal("invalid entitlement metadata");
    }

    public static async Task<IResult> DeleteEntitlement(
        string customerId, string entitlementId, ReleasyDbContext db, CancellationToken ct)
    {
        var (id, error) = await CustomerLookup.FindAsync(customerId, db, ct);
        if (error is not null)
        {
            return error;
        }

        int deleted;
        try
        {
            deleted = await db.Entitlements.Where(e => e.CustomerId == id && e.Id == entitlementId).ExecuteDeleteAsync(ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to delete entitlement");
        }

        return deleted == 0 ? ApiError.NotFound("entitlement not found") : TypedResults.NoContent();
    }

    /// <summary>
    /// The checks shared by create and update, in the contract's order: product, starts_at, then the
    /// window (ends_at is inclusive, so it may equal starts_at).
    /// </summary>
    private static ApiError? ValidateWindow(string product, string blankProductMessage, long startsAt, long? endsAt)
    {
        if (product.Length == 0)
        {
            return ApiError.BadRequest(blankProductMessage);
        }

        if (startsAt <= 0)
        {
            return ApiError.BadRequest("starts_at must be positive");
        }

        return endsAt < startsAt ? ApiError.BadRequest("ends_at must be greater than or equal to starts_at") : null;
    }

    private static ValueTask<object?> RejectBlankCustomerId(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.RouteValues[CustomerIdRoute] is string id && id.Trim().Length == 0
            ? ValueTask.FromResult<object?>(ApiError.BadRequest("customer_id is required"))
            : next(context);
}
