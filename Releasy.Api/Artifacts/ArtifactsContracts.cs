using Releasy.Api.Data.Entities;
using Releasy.Api.Http;

namespace Releasy.Api.Artifacts;

public sealed record PresignArtifactRequest(
    [property: TextLimit(InputLimits.FilenameChars)] string Filename, [property: TextLimit(InputLimits.PlatformChars)] string Platform);

/// <summary>Every field required (contract 3.7.3); <c>size</c> is a signed 64-bit integer.</summary>
public sealed record RegisterArtifactRequest(
    string ArtifactId,
    [property: TextLimit(InputLimits.PlatformChars)] string Platform,
    [property: TextLimit(InputLimits.ObjectKeyBytes, Utf8Bytes = true)] string ObjectKey,
    string Checksum,
    long Size);

public sealed record PresignedUpload(string ArtifactId, string ObjectKey, string UploadUrl, long ExpiresAt);

public sealed record ArtifactView(
    string Id, string ReleaseId, string ObjectKey, string Checksum, long Size, string Platform, long CreatedAt)
{
    public static ArtifactView From(Artifact a) => new(a.Id, a.ReleaseId, a.ObjectKey, a.Checksum, a.Size, a.Platform, a.CreatedAt);
}
