using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>Customers, API keys, entitlements and audit rows for the key, entitlement and audit tests, through the public API.</summary>
public static class KeySetup
{
    public static async Task<string> CreateCustomerAsync(HttpClient admin, string? name = null)
    {
        var body = await (await admin.PostJsonAsync("/v1/admin/customers", new { name = name ?? "Customer " + Guid.NewGuid() }))
            .AssertOkAsync();
        return (string)body["id"]!;
    }

    /// <summary>Creates a key; null arguments are left out of the request.</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(
        HttpClient admin, string customerId, string[]? scopes = null, long? expiresAt = null, string? keyType = null)
    {
        var request = new JsonObject { ["customer_id"] = customerId };
        if (scopes is not null)
        {
            request["scopes"] = new JsonArray(scopes.Select(s => (JsonNode?)s).ToArray());
        }

        if (expiresAt is not null)
        {
            request["expires_at"] = expiresAt;
        }

        if (keyType is not null)
        {
            request["key_type"] = keyType;
        }

        var body = await (await admin.PostJsonAsync("/v1/admin/keys", request.ToJsonString())).AssertOkAsync();
        return ((string)body["api_key_id"]!, (string)body["api_key"]!);
    }

    public static async Task<string> CreateEntitlementAsync(HttpClient admin, string customerId, object body)
    {
        var response = await admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", body);
        return (string)(await response.AssertOkAsync())["id"]!;
    }

    /// <summary>The audit events <paramref name="act"/> wrote, oldest first.</summary>
    public static async Task<List<AuditEvent>> AuditEventsWrittenByAsync(TestDatabase database, Func<Task> act)
    {
        await using var db = database.CreateContext();
        var before = await db.AuditEvents.Select(e => e.Id).ToListAsync();
        await act();
        var events = await db.AuditEvents.AsNoTracking().Where(e => !before.Contains(e.Id)).ToListAsync();
        return events.OrderBy(e => e.CreatedAt).ToList();
    }
}
