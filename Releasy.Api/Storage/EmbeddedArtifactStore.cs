using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Releasy.Api.Storage;

/// <summary>
/// The filesystem store of contract §0.6 (<c>RELEASY_ARTIFACT_DIR</c>): the API itself accepts uploads and serves
/// downloads at signed, expiring URLs under <see cref="RoutePrefix"/>.
/// </summary>
/// <remarks>
/// Layout under the directory: <c>.storage-key</c> (32 random bytes, the HMAC key, created on first use),
/// <c>staging/&lt;key&gt;</c> (the last upload to the key's URL, with its size and SHA-256 in a trailer, see
/// <see cref="StagedUploadFile"/>), <c>objects/&lt;key&gt;</c> (the registered bytes, which downloads serve),
/// <c>meta/&lt;key&gt;.json</c> (their size and SHA-256) and <c>.tmp/</c> (uploads and promotions in flight; stale
/// ones are removed by <see cref="TemporaryFileCleaner"/>). An upload is renamed into staging only once complete,
/// and registration moves it to <c>objects/</c> without ever replacing a file there, so a half-written file is
/// never served and registered bytes never change. Keys are '/'-separated segments; empty, <c>.</c> and
/// <c>..</c> segments, backslashes and rooted keys are refused, and every resolved path is checked to stay under
/// the directory.
/// </remarks>
public sealed partial class EmbeddedArtifactStore : IArtifactStore
{
    public const string RoutePrefix = "/v1/storage/";
    private const string KeyFileName = ".storage-key";
    private const int SecretBytes = 32;
    private const int MaxSegmentLength = 240;
    private const int BufferSize = 128 * 1024;

    private readonly string _root;
    private readonly string _objects;
    private readonly string _meta;
    private readonly string _staging;
    private readonly string _temp;
    private readonly string _publicBaseUrl;
    private readonly TimeProvider _clock;
    private readonly Lazy<byte[]> _secret;

    public EmbeddedArtifactStore(string directory, string publicBaseUrl, TimeProvider clock)
    {
        _root = Path.GetFullPath(directory);
        _objects = Path.Combine(_root, "objects");
        _meta = Path.Combine(_root, "meta");
        _staging = Path.Combine(_root, "staging");
        _temp = Path.Combine(_root, ".tmp");
        _publicBaseUrl = publicBaseUrl;
        _clock = clock;
        _secret = new Lazy<byte[]>(LoadOrCreateSecret, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where uploads and promotions in flight keep their temporary files.</summary>
    public string TemporaryDirectory => _temp;

    public enum SignatureCheck
    {
        Valid,
        Invalid,
        Expired,
    }

    public string PresignUpload(string key, long lifetimeSeconds) => Presign(HttpMethods.Put, key, lifetimeSeconds);

    public string PresignDownload(string key, long lifetimeSeconds) => Presign(HttpMethods.Get, key, lifetimeSeconds);

    public async Task<StoredObject?> StatAsync(string key, CancellationToken ct)
    {
        if (ObjectPath(key) is not { } path || MetaPath(key) is not { } metaPath)
        {
            return null;
        }

        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return null;
            }

            string? sha256 = null;
            if (File.Exists(metaPath))
            {
                await using var stream = File.OpenRead(metaPath);
                var meta = await JsonSerializer.DeserializeAsync<Sidecar>(stream, cancellationToken: ct);
                sha256 = meta is not null && meta.Size == file.Length ? meta.Sha256 : null;
            }

            // The sidecar follows the object by a moment (or a crash came between): hash the bytes themselves.
            sha256 ??= await HashFileAsync(path, ct);
            return new StoredObject(file.Length, sha256);
        }
        catch (FileNotFoundException)
        {
            return null; // Deleted while being read.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ArtifactStoreException("object stat failed", ex);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        if (ObjectPath(key) is not { } path || MetaPath(key) is not { } metaPath || StagingPath(key) is not { } staged)
        {
            return Task.CompletedTask;
        }

        try
        {
            DeleteIfPresent(path);
            DeleteIfPresent(metaPath);
            DeleteIfPresent(staged);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactStoreException("object delete failed", ex);
        }
    }

    /// <summary>Checks a request's <c>expires</c> and <c>signature</c> for <paramref name="method"/> on <paramref name="key"/>.</summary>
    public SignatureCheck Verify(string method, string key, string? expires, string? signature)
    {
        if (expires is null || signature is null
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return SignatureCheck.Invalid;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(method, key, expiresAt));
        var presented = Encoding.UTF8.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return SignatureCheck.Invalid;
        }

        return expiresAt <= _clock.GetUtcNow().ToUnixTimeSeconds() ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    /// <summary>The file holding <paramref name="key"/>, or null when the key is not a safe relative path.</summary>
    public string? ObjectPath(string key) => Resolve(_objects, key, "");

    /// <summary>Safe keys are relative, '/'-separated, and free of empty, <c>.</c> and <c>..</c> segments.</summary>
    public static bool IsSafeKey(string key) =>
        !string.IsNullOrEmpty(key)
        && !Path.IsPathRooted(key)
        && !key.Contains('\\', StringComparison.Ordinal)
        && !key.Contains('\0', StringComparison.Ordinal)
        && key.Split('/').All(s => s.Length is > 0 and <= MaxSegmentLength && s is not ("." or ".."));

    private string? MetaPath(string key) => Resolve(_meta, key, ".json");

    private string? StagingPath(string key) => Resolve(_staging, key, "");

    private static string? Resolve(string root, string key, string suffix)
    {
        if (!IsSafeKey(key))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root, key) + suffix);
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    private string Presign(string method, string key, long lifetimeSeconds)
    {
        ArtifactStoreException.ThrowIfBadLifetime(lifetimeSeconds);
        if (!IsSafeKey(key))
        {
            throw new ArtifactStoreException("object key is not storable in the embedded store");
        }

        var expires = _clock.GetUtcNow().ToUnixTimeSeconds() + lifetimeSeconds;
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return string.Create(CultureInfo.InvariantCulture,
            $"{_publicBaseUrl}{RoutePrefix}{path}?expires={expires}&signature={Sign(method, key, expires)}");
    }

    private string Sign(string method, string key, long expires)
    {
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{method}\n{expires}\n{key}"));
        return Base64Url.EncodeToString(HMACSHA256.HashData(_secret.Value, message));
    }

    private byte[] LoadOrCreateSecret()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, KeyFileName);
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temp, RandomNumberGenerator.GetBytes(SecretBytes));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                // Never overwrite: another instance sharing the directory may have won the race.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }

        var secret = File.ReadAllBytes(path);
        return secret.Length == SecretBytes
            ? secret
            : throw new InvalidOperationException($"{path} must hold exactly {SecretBytes} bytes.");
    }

    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete.
        }
    }

    private sealed record Sidecar(long Size, string? Sha256);
}
