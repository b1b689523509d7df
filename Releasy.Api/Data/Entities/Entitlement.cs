namespace Releasy.Api.Data.Entities;

public sealed class Entitlement
{
    public required string Id { get; set; }
    public required string CustomerId { get; set; }
    public required string Product { get; set; }
    public long StartsAt { get; set; }

    /// <summary>Inclusive end; null means open-ended.</summary>
    public long? EndsAt { get; set; }

    /// <summary>JSON text.</summary>
    public string? Metadata { get; set; }
}
