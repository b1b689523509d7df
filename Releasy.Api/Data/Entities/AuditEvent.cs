namespace Releasy.Api.Data.Entities;

public sealed class AuditEvent
{
    public required string Id { get; set; }
    public string? CustomerId { get; set; }
    public required string Actor { get; set; }
    public required string Event { get; set; }

    /// <summary>Compact JSON text.</summary>
    public string? Payload { get; set; }
    public long CreatedAt { get; set; }
}
