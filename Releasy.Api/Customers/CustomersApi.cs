using System.Data.Common;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;

namespace Releasy.Api.Customers;

/// <summary>Customer administration (contract 3.2).</summary>
public static class CustomersApi
{
    public static RouteGroupBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/customers").WithTags("Customers");
        group.MapPost("", CreateCustomer).RequireOperator(RoleCheck.Admin);
        group.MapGet("", ListCustomers).RequireOperator(RoleCheck.Support);
        group.MapGet("/{customerId}", GetCustomer).RequireOperator(RoleCheck.Support);
        group.MapPatch("/{customerId}", UpdateCustomer).RequireOperator(RoleCheck.Admin);
        return group;
    }

    public static Task<IResult> CreateCustomer(
        JsonBody<CreateCustomerRequest> body, HttpRequest request, ReleasyDbContext db,
        IdempotencyService idempotency, TimeProvider clock, CancellationToken ct)
    {
        var input = body.Value;
        var fingerprint = CanonicalJson.Fingerprint("", ("name", input.Name), ("plan", input.Plan));
        return idempotency.RunAsync(request, "admin_create_customer", fingerprint, async () =>
        {
            var name = input.Name.Trim();
            if (name.Length == 0)
            {
                return (Outcome<CreatedCustomer>)ApiError.BadRequest("name is required");
            }

            var customer = new Customer
            {
                Id = Guid.NewGuid().ToString(),
                Name = name,
                Plan = RequestText.TrimToNull(input.Plan),
                CreatedAt = clock.GetUtcNow().ToUnixTimeSeconds(),
            };
            db.Customers.Add(customer);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return ApiError.Internal("failed to create customer");
            }

            return new CreatedCustomer(customer.Id, customer.Name, customer.Plan, customer.CreatedAt);
        }, ct);
    }

    public static async Task<IResult> ListCustomers(CustomerListQuery query, ReleasyDbContext db, CancellationToken ct)
    {
        if (query.Paging.Validate(out var limit, out var offset) is { } pagingError)
        {
            return pagingError;
        }

        var customers = db.Customers.AsNoTracking();
        if (query.CustomerId is { } id)
        {
            customers = customers.Where(c => c.Id == id);
        }

        if (query.Name is { } name)
        {
            // The value is deliberately not escaped: % and _ act as wildcards, as in the original.
            var pattern = "%" + name.ToLower() + "%";
            customers = customers.Where(c => EF.Functions.Like(c.Name.ToLower(), pattern));
        }

        if (query.Plan is { } plan)
        {
            var lowered = plan.ToLower();
            customers = customers.Where(c => c.Plan != null && c.Plan.ToLower() == lowered);
        }

        try
        {
            var page = await customers
                .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id)
                .Page(limit, offset)
                .Select(c => new CustomerView(c.Id, c.Name, c.Plan, c.CreatedAt, c.SuspendedAt))
                .ToListAsync(ct);
            return TypedResults.Json(new CustomerList(page, limit, offset), ReleasyJson.Options);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to list customers");
        }
    }

    public static async Task<IResult> GetCustomer(string customerId, ReleasyDbContext db, CancellationToken ct)
    {
        var id = customerId.Trim();
        if (id.Length == 0)
        {
            return ApiError.BadRequest("customer_id is required");
        }

        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return customer is null
            ? ApiError.NotFound("customer not found")
            : TypedResults.Json(CustomerView.From(customer), ReleasyJson.Options);
    }

    public static async Task<IResult> UpdateCustomer(
        string customerId, JsonBody<UpdateCustomerRequest> body, ReleasyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var id = customerId.Trim();
        if (id.Length == 0)
        {
            return ApiError.BadRequest("customer_id is required");
        }

        var input = body.Value;
        var name = input.Name?.Trim();
        if (name is { Length: 0 })
        {
            return ApiError.BadRequest("name must not be empty");
        }

        if (name is null && !input.Plan.IsPresent && input.Suspended is null)
        {
            return ApiError.BadRequest("at least one field must be provided");
        }

        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return ApiError.NotFound("customer not found");
        }

        customer.Name = name ?? customer.Name;
        if (input.Plan.IsPresent)
        {
            // Both null and a blank string clear the plan (§0.1).
            customer.Plan = RequestText.TrimToNull(input.Plan.Value);
        }

        if (input.Suspended is { } suspended)
        {
            // Re-stamped even when already suspended, as in the original.
            customer.SuspendedAt = suspended ? clock.GetUtcNow().ToUnixTimeSeconds() : null;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiError.NotFound("customer not found");
        }
        catch (DbUpdateException)
        {
            return ApiError.Internal("failed to update customer");
        }

        return TypedResults.Json(CustomerView.From(customer), ReleasyJson.Options);
    }
}
