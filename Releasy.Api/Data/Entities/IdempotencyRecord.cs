namespace Releasy.Api.Data.Entities;

public sealed class IdempotencyRecord
{
    public const string InProgress = "in_progress";
    public const string Completed = "completed";

    public required string IdempotencyKey { get; set; }
    public required string Endpoint { get; set; }
    public required string RequestHash { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseBody { get; set; }
    public required string State { get; set; }
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
}
