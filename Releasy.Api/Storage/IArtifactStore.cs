namespace Releasy.Api.Storage;

/// <summary>
/// Where artifact bytes live. Clients never stream through the API for S3: they get presigned URLs and talk
/// to the store directly. The embedded store hands out URLs of the API itself (contract §0.6).
/// </summary>
public interface IArtifactStore
{
    /// <summary>A URL a plain <c>curl -X PUT --data-binary @file</c> can upload <paramref name="key"/> to.</summary>
    /// <exception cref="ArtifactStoreException">The URL cannot be signed (e.g. a lifetime above 7 days).</exception>
    string PresignUpload(string key, long lifetimeSeconds);

    /// <summary>A URL a plain GET downloads <paramref name="key"/> from, for at most <paramref name="lifetimeSeconds"/>.</summary>
    /// <exception cref="ArtifactStoreException">The URL cannot be signed.</exception>
    string PresignDownload(string key, long lifetimeSeconds);

    /// <summary>The stored object's size (and SHA-256 where the store knows it), or null when it does not exist.</summary>
    /// <exception cref="ArtifactStoreException">The store could not be asked.</exception>
    Task<StoredObject?> StatAsync(string key, CancellationToken ct);

    /// <summary>Removes the object; a missing object is not an error.</summary>
    /// <exception cref="ArtifactStoreException">The store could not be asked.</exception>
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>What the store holds under a key. <see cref="Sha256"/> is lower-case hex, or null when unknown.</summary>
public sealed record StoredObject(long Size, string? Sha256);

public sealed class ArtifactStoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>SigV4 presigned URLs live at most a week; the embedded store keeps the same limit.</summary>
    public const long MaxPresignSeconds = 604_800;

    public static void ThrowIfBadLifetime(long lifetimeSeconds)
    {
        if (lifetimeSeconds is <= 0 or > MaxPresignSeconds)
        {
            throw new ArtifactStoreException($"presign lifetime must be between 1 and {MaxPresignSeconds} seconds");
        }
    }
}
