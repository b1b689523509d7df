using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Customers;

public sealed record CreateCustomerRequest(string Name, string? Plan = null);

/// <summary>Every field optional; <c>plan</c> tells null (clear) from absent (§0.1).</summary>
public sealed record UpdateCustomerRequest(string? Name = null, Optional<string?> Plan = default, bool? Suspended = null);

/// <summary>The create response has no <c>suspended_at</c> (contract 3.2.1).</summary>
public sealed record CreatedCustomer(string Id, string Name, string? Plan, long CreatedAt);

public sealed record CustomerView(string Id, string Name, string? Plan, long CreatedAt, long? SuspendedAt)
{
    public static CustomerView From(Customer c) => new(c.Id, c.Name, c.Plan, c.CreatedAt, c.SuspendedAt);
}

public sealed record CustomerList(IReadOnlyList<CustomerView> Customers, int Limit, long Offset);

public sealed record CustomerListQuery(string? CustomerId, string? Name, string? Plan, Paging Paging)
{
    public static ValueTask<CustomerListQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = new StrictQuery(context.Request.Query);
        return ValueTask.FromResult<CustomerListQuery?>(new CustomerListQuery(
            query.Filter("customer_id"), query.Filter("name"), query.Filter("plan"), Paging.From(query)));
    }
}
