namespace Releasy.Api.Data.Entities;

public sealed class Customer
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Plan { get; set; }

    /// <summary>Reserved by the original schema; always null, never exposed.</summary>
    public string? AllowedPrefixes { get; set; }
    public long CreatedAt { get; set; }
    public long? SuspendedAt { get; set; }
}
