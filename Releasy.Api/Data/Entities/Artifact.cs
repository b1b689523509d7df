namespace Releasy.Api.Data.Entities;

public sealed class Artifact
{
    public required string Id { get; set; }
    public required string ReleaseId { get; set; }
    public required string ObjectKey { get; set; }

    /// <summary>SHA-256, 64 lower-case hex digits.</summary>
    public required string Checksum { get; set; }
    public long Size { get; set; }
    public required string Platform { get; set; }
    public long CreatedAt { get; set; }
}
