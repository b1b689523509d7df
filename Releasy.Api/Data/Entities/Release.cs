namespace Releasy.Api.Data.Entities;

public sealed class Release
{
    public const string Draft = "draft";
    public const string Published = "published";

    public required string Id { get; set; }
    public required string Product { get; set; }
    public required string Version { get; set; }
    public required string Status { get; set; }
    public long CreatedAt { get; set; }
    public long? PublishedAt { get; set; }
}
