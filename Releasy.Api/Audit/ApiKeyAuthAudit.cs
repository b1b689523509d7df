using System.Text.Json;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Audit;

/// <summary>The <c>api_key.auth</c> event, the one event type the server writes (contract 3.9.1).</summary>
public static class ApiKeyAuthAudit
{
    public const string Actor = "api_key";
    public const string EventName = "api_key.auth";

    public static AuditEvent Create(string? customerId, string? apiKeyId, bool accepted, string reason, long now) => new()
    {
        Id = Guid.NewGuid().ToString(),
        CustomerId = customerId,
        Actor = Actor,
        Event = EventName,
        // Keys in ordinal order, as the original writes them. The payload never holds the presented key.
        Payload = JsonSerializer.Serialize(new Payload(apiKeyId, accepted ? "accept" : "reject", reason), ReleasyJson.Options),
        CreatedAt = now,
    };

    private sealed record Payload(string? ApiKeyId, string Outcome, string Reason);
}
