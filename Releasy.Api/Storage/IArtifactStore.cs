namespace Releasy.Api.Storage;

/// <summary>
/// Where artifact bytes live. Clients never stream through the API for S3: they get presigned URLs and talk
/// to the store directly. The embedded store hands out URLs of the API itself (contract §0.6).
/// </summary>
/// <remarks>
/// Registered artifacts are immutable (contract §0.8). An upload URL never writes the object key itself: it writes
/// a staging location of that key, which downloads never read. Registration promotes the staged upload to the
/// object key once, after checking it, and nothing writes the object key afterwards; a later PUT to the same
/// upload URL only replaces the staged copy.
/// </remarks>
public interface IArtifactStore
{
    /// <summary>
    /// A URL a plain <c>curl -X PUT --data-binary @file</c> can upload <paramref name="key"/> to. The bytes land in
    /// the key's staging location; <see cref="PromoteAsync"/> moves them to the key.
    /// </summary>
    /// <exception cref="ArtifactStoreException">The URL cannot be signed (e.g. a lifetime above 7 days).</exception>
    string PresignUpload(string key, long lifetimeSeconds);

    /// <summary>A URL a plain GET downloads <paramref name="key"/> from, for at most <paramref name="lifetimeSeconds"/>.</summary>
    /// <exception cref="ArtifactStoreException">The URL cannot be signed.</exception>
    string PresignDownload(string key, long lifetimeSeconds);

    /// <summary>
    /// Checks the staged upload of <paramref name="key"/> against the declared size (and SHA-256 where the store
    /// knows it) and moves it to the key, which downloads read. The staged copy is gone afterwards. An object
    /// already at the key is never replaced: it is only checked against the declaration.
    /// </summary>
    /// <exception cref="ArtifactStoreException">The store could not be asked.</exception>
    Task<PromotionResult> PromoteAsync(string key, long size, string sha256, CancellationToken ct);

    /// <summary>The stored object's size (and SHA-256 where the store knows it), or null when it does not exist.</summary>
    /// <exception cref="ArtifactStoreException">The store could not be asked.</exception>
    Task<StoredObject?> StatAsync(string key, CancellationToken ct);

    /// <summary>Removes the object and any staged upload of its key; a missing object is not an error.</summary>
    /// <exception cref="ArtifactStoreException">The store could not be asked.</exception>
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>What the store holds under a key. <see cref="Sha256"/> is lower-case hex, or null when unknown.</summary>
public sealed record StoredObject(long Size, string? Sha256)
{
    /// <summary>How this object compares with a declared size and lower-case hex SHA-256.</summary>
    public PromotionResult Check(long size, string sha256) =>
        Size != size ? PromotionResult.SizeMismatch
        : Sha256 is { } known && !string.Equals(known, sha256, StringComparison.Ordinal) ? PromotionResult.ChecksumMismatch
        : PromotionResult.Promoted;
}

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
