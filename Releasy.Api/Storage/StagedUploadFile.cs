using System.Buffers.Binary;

namespace Releasy.Api.Storage;

/// <summary>
/// The embedded store's staged upload: the received bytes followed by a fixed trailer holding their SHA-256 and
/// size. Bytes and hash live in one file, written under a temporary name and renamed into place in one step, so a
/// reader always sees a hash that describes the bytes beside it, whatever uploads race on the same key.
/// </summary>
internal static class StagedUploadFile
{
    public const int TrailerLength = Sha256Length + sizeof(long) + 8;
    private const int Sha256Length = 32;
    private static ReadOnlySpan<byte> Magic => "RLSYUPL1"u8;

    /// <summary>The trailer to append after <paramref name="size"/> bytes whose SHA-256 is <paramref name="sha256"/>.</summary>
    public static byte[] Trailer(long size, byte[] sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        var trailer = new byte[TrailerLength];
        sha256.CopyTo(trailer, 0);
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(Sha256Length), size);
        Magic.CopyTo(trailer.AsSpan(Sha256Length + sizeof(long)));
        return trailer;
    }

    /// <summary>The size and SHA-256 of the staged bytes, or null when the file is missing or not a staged upload.</summary>
    public static async Task<StoredObject?> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length < TrailerLength)
            {
                return null;
            }

            var trailer = new byte[TrailerLength];
            file.Seek(-TrailerLength, SeekOrigin.End);
            await file.ReadExactlyAsync(trailer, ct);
            var size = BinaryPrimitives.ReadInt64LittleEndian(trailer.AsSpan(Sha256Length));
            return trailer.AsSpan(Sha256Length + sizeof(long)).SequenceEqual(Magic) && size == file.Length - TrailerLength
                ? new StoredObject(size, Convert.ToHexStringLower(trailer.AsSpan(0, Sha256Length)))
                : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
