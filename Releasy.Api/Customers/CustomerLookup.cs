using System.Data.Common;
using Releasy.Api.Data;
using Releasy.Api.Http;

namespace Releasy.Api.Customers;

/// <summary>The <c>customer_id</c> check shared by key creation and the entitlement routes.</summary>
public static class CustomerLookup
{
    /// <summary>The trimmed customer id, or the 400/404/500 to answer with.</summary>
    public static async Task<(string Id, ApiError? Error)> FindAsync(string customerId, ReleasyDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(db);
        var id = customerId.Trim();
        if (id.Length == 0)
        {
            return (id, ApiError.BadRequest("customer_id is required"));
        }

        try
        {
            return await db.Customers.AnyAsync(c => c.Id == id, ct) ? (id, null) : (id, ApiError.NotFound("customer not found"));
        }
        catch (DbException)
        {
            return (id, ApiError.Internal("customer lookup failed"));
        }
    }
}
