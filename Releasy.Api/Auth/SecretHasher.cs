using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Geralt;
using Releasy.Api.Options;

namespace Releasy.Api.Auth;

/// <summary>
/// Generates and hashes the secrets Releasy hands out. API keys are stored as Argon2id PHC strings
/// (m=19456 KiB, t=2, p=1); download tokens, which live minutes, as SHA-256. Both are peppered.
/// </summary>
public sealed class SecretHasher(ReleasySettings settings)
{
    public const string ApiKeyPrefix = "releasy_";
    public const string DownloadTokenPrefix = "releasy_dl_";
    public const int LookupPrefixLength = 12;
    private const int Iterations = 2;
    private const int MemoryBytes = 19456 * 1024;

    private readonly string _pepper = settings.Releasy.ApiKeyPepper ?? string.Empty;
    private readonly Lazy<string> _dummyHash = new(() => HashApiKey(NewApiKey(), string.Empty));

    public static string NewApiKey() => ApiKeyPrefix + RandomToken();

    public static string NewDownloadToken() => DownloadTokenPrefix + RandomToken();

    /// <summary>The stored lookup prefix: the first 12 characters (all of a shorter value).</summary>
    public static string LookupPrefix(string secret) =>
        secret.Length <= LookupPrefixLength ? secret : secret[..LookupPrefixLength];

    public string HashApiKey(string secret) => HashApiKey(secret, _pepper);

    /// <summary>
    /// Verifies against the hash of a random key nobody holds, with the parameters of a stored key: the same cost
    /// as a real verification, so a prefix that matches no key answers as slowly as one that does.
    /// </summary>
    public bool VerifyAgainstDummy(string secret)
    {
        _ = VerifyApiKey(_dummyHash.Value, secret);
        return false;
    }

    /// <summary>Verifies with the parameters encoded in the stored string; an unparsable one is a non-match.</summary>
    public bool VerifyApiKey(string phc, string secret)
    {
        try
        {
            return Argon2id.VerifyHash(phc, Peppered(secret));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Lower-case hex SHA-256 of the peppered secret: legacy key hashes and download-token hashes.</summary>
    public string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Peppered(secret)));

    private byte[] Peppered(string secret) => Encoding.UTF8.GetBytes(secret + _pepper);

    private static string HashApiKey(string secret, string pepper)
    {
        var hash = new char[Argon2id.HashSize];
        Argon2id.ComputeHash(hash, Encoding.UTF8.GetBytes(secret + pepper), Iterations, MemoryBytes);
        return new string(hash).TrimEnd('\0');
    }

    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
