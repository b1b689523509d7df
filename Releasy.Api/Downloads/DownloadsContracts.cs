namespace Releasy.Api.Downloads;

/// <summary><c>expires_in_seconds</c> is an unsigned 32-bit integer: negatives and overflow are 422s.</summary>
public sealed record DownloadTokenRequest(string ArtifactId, string? Purpose = null, uint? ExpiresInSeconds = null);

public sealed record IssuedDownloadToken(string DownloadUrl, long ExpiresAt);
