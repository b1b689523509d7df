namespace Releasy.Api.Storage;

/// <summary>What <see cref="IArtifactStore.PromoteAsync"/> found: the object is in place, or why it is not.</summary>
public enum PromotionResult
{
    /// <summary>The object key holds the declared bytes (promoted now, or by an earlier registration).</summary>
    Promoted,

    /// <summary>Neither an upload nor an object exists for the key.</summary>
    NotFound,

    /// <summary>The upload (or the object already in place) has another size than declared.</summary>
    SizeMismatch,

    /// <summary>The store knows the SHA-256 and it differs from the declared checksum.</summary>
    ChecksumMismatch,
}
