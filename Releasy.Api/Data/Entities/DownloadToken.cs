namespace Releasy.Api.Data.Entities;

public sealed class DownloadToken
{
    /// <summary>SHA-256 hex of token + pepper; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }
    public required string ArtifactId { get; set; }
    public required string CustomerId { get; set; }
    public string? Purpose { get; set; }
    public long ExpiresAt { get; set; }
    public long CreatedAt { get; set; }
}
