namespace Releasy.Api.Storage;

/// <summary>
/// The configured artifact store, or none (the artifact endpoints then answer 503
/// <c>artifact storage not configured</c>).
/// </summary>
/// <remarks>
/// Deleting a release cascades to its artifact rows and their download tokens in the database (contract 3.6.4),
/// but the database cannot delete stored objects. The release-delete endpoint reads the release's object
/// keys, deletes the row, and then calls <see cref="DeleteObjectsBestEffortAsync"/>: the objects go too, and a
/// storage failure only leaves an orphaned object behind (logged), never a failed delete or a dangling row.
/// </remarks>
public sealed partial class ArtifactStorage(IArtifactStore? store, ILogger<ArtifactStorage> logger) : IDisposable
{
    public const string NotConfiguredMessage = "artifact storage not configured";

    /// <summary>Null when neither S3 nor <c>RELEASY_ARTIFACT_DIR</c> is configured.</summary>
    public IArtifactStore? Store => store;

    /// <summary>Deletes each object, logging and skipping failures. Call it after the database delete succeeded.</summary>
    public async Task DeleteObjectsBestEffortAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (store is null)
        {
            return;
        }

        foreach (var key in keys)
        {
            try
            {
                await store.DeleteAsync(key, ct);
            }
            catch (Exception ex) when (ex is ArtifactStoreException or IOException or HttpRequestException or OperationCanceledException)
            {
                LogDeleteFailed(logger, ex, key);
            }
        }
    }

    public void Dispose() => (store as IDisposable)?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete artifact object {ObjectKey}; it is left orphaned")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string objectKey);
}
