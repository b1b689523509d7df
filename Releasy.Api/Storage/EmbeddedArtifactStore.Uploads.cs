using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Releasy.Api.Storage;

/// <summary>Receiving uploads into staging and promoting them to the object key at registration.</summary>
public sealed partial class EmbeddedArtifactStore
{
    /// <summary>Suffix of a temporary file holding an upload being received.</summary>
    public const string UploadSuffix = ".upload";

    /// <summary>Suffix of a temporary file holding a staged upload being promoted.</summary>
    public const string PromotionSuffix = ".promote";

    /// <summary>
    /// Streams <paramref name="body"/> to a temporary file while hashing it, appends the size and SHA-256, then
    /// renames it to the key's staging file in one step. Memory stays at one buffer whatever the size.
    /// </summary>
    public async Task<StoredObject> ReceiveAsync(string key, Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var target = StagingPath(key) ?? throw new ArtifactStoreException("invalid object key");
        Directory.CreateDirectory(_temp);
        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N") + UploadSuffix);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            StoredObject stored;
            await using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            }))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    size += read;
                }

                var sha256 = hash.GetHashAndReset();
                await file.WriteAsync(StagedUploadFile.Trailer(size, sha256), ct);
                file.Flush(flushToDisk: true);
                stored = new StoredObject(size, Convert.ToHexStringLower(sha256));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);
            return stored;
        }
        // A client that sends a short or broken body gets its 400 from the exception handler, not a storage 500.
        catch (Exception ex) when (ex is (IOException and not BadHttpRequestException) or UnauthorizedAccessException)
        {
            throw new ArtifactStoreException("object write failed", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            DeleteIfPresent(temp);
        }
    }

    public async Task<PromotionResult> PromoteAsync(string key, long size, string sha256, CancellationToken ct)
    {
        if (ObjectPath(key) is not { } target || StagingPath(key) is not { } staged)
        {
            return PromotionResult.NotFound;
        }

        try
        {
            if (File.Exists(target) || await StagedUploadFile.ReadAsync(staged, ct) is not { } pending)
            {
                return await CheckInPlaceAsync(key, size, sha256, ct);
            }

            if (pending.Check(size, sha256) is not PromotionResult.Promoted and var mismatch)
            {
                return mismatch; // Left staged: a registration with the right declaration can still follow.
            }

            // Renaming the staged file away claims these very bytes: a later PUT lands in a new staged file.
            Directory.CreateDirectory(_temp);
            var claim = Path.Combine(_temp, Guid.NewGuid().ToString("N") + PromotionSuffix);
            try
            {
                // A plain rename (the claim name is new): exactly one of several racing registrations gets the file.
                File.Move(staged, claim, overwrite: true);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return await CheckInPlaceAsync(key, size, sha256, ct); // Another registration took it.
            }

            try
            {
                return await PromoteClaimAsync(key, claim, staged, target, size, sha256, ct);
            }
            finally
            {
                DeleteIfPresent(claim);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreException("object promotion failed", ex);
        }
    }

    private async Task<PromotionResult> PromoteClaimAsync(
        string key, string claim, string staged, string target, long size, string sha256, CancellationToken ct)
    {
        // The rename kept the upload's time; the claim is fresh for the cleaner.
        File.SetLastWriteTimeUtc(claim, _clock.GetUtcNow().UtcDateTime);
        var claimed = await StagedUploadFile.ReadAsync(claim, ct);
        var verdict = claimed?.Check(size, sha256) ?? PromotionResult.NotFound;
        if (claimed is null || verdict is not PromotionResult.Promoted)
        {
            // A new upload landed between the check and the claim: put it back unless a newer one is there.
            TryMove(claim, staged);
            return verdict;
        }

        await using (var file = new FileStream(claim, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(size); // Drops the trailer.
            file.Flush(flushToDisk: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (!TryMove(claim, target))
        {
            return await CheckInPlaceAsync(key, size, sha256, ct); // Never replace registered bytes.
        }

        await WriteSidecarAsync(key, claimed, ct);
        return PromotionResult.Promoted;
    }

    /// <summary>No staged upload to promote: the object already at the key (or none) decides.</summary>
    private async Task<PromotionResult> CheckInPlaceAsync(string key, long size, string sha256, CancellationToken ct) =>
        await StatAsync(key, ct) is { } existing ? existing.Check(size, sha256) : PromotionResult.NotFound;

    private async Task WriteSidecarAsync(string key, StoredObject stored, CancellationToken ct)
    {
        var metaTarget = MetaPath(key)!;
        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N") + UploadSuffix);
        try
        {
            await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new Sidecar(stored.Size, stored.Sha256)), ct);
            Directory.CreateDirectory(Path.GetDirectoryName(metaTarget)!);
            File.Move(temp, metaTarget, overwrite: true);
        }
        finally
        {
            DeleteIfPresent(temp);
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    /// <summary>Renames without replacing; false when the destination exists.</summary>
    private static bool TryMove(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }
}
