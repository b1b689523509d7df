namespace Releasy.Api.Data.Entities;

public sealed class ApiKey
{
    public required string Id { get; set; }
    public required string CustomerId { get; set; }

    /// <summary>Argon2id PHC string, or a legacy SHA-256 hex digest upgraded on first use.</summary>
    public required string KeyHash { get; set; }
    public required string KeyPrefix { get; set; }
    public string? Name { get; set; }
    public required string KeyType { get; set; }

    /// <summary>Compact JSON array of scope strings, in the order given at creation.</summary>
    public required string Scopes { get; set; }
    public long? ExpiresAt { get; set; }
    public long CreatedAt { get; set; }
    public long? RevokedAt { get; set; }
    public long? LastUsedAt { get; set; }
}
