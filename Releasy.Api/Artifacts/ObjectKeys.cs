using System.Text;
using Releasy.Api.Http;

namespace Releasy.Api.Artifacts;

/// <summary>
/// The object-key schema of contract 3.7.1: <c>releases/{product}/{version}/{platform}/{artifact_id}/{filename}</c>,
/// each named segment normalized to lower-case ASCII letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.
/// </summary>
public static class ObjectKeys
{
    /// <summary>
    /// Trims, then maps each Unicode scalar value (not UTF-16 unit): ASCII letters to lower case; digits, <c>.</c>,
    /// <c>-</c> and <c>_</c> kept; anything else to one <c>_</c>. Empty → <c>&lt;segment&gt; is required</c>;
    /// only underscores → <c>&lt;segment&gt; is invalid</c>.
    /// </summary>
    /// <remarks>
    /// Beyond the original (§0.9): a segment that normalizes to <c>.</c> or <c>..</c> is invalid too, and each segment
    /// has a maximum length. Neither backend can hold such a key the same way: the embedded store refuses dot
    /// segments and over-long path components, HTTP clients collapse dot segments in an upload URL (breaking its
    /// signature), and S3 limits a key to 1024 bytes. Refusing them here gives both backends the same answer.
    /// </remarks>
    public static ApiError? TryNormalize(string segment, string value, out string normalized)
    {
        ArgumentNullException.ThrowIfNull(value);
        normalized = string.Empty;
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return ApiError.BadRequest($"{segment} is required");
        }

        var max = MaxChars(segment);
        if (InputLimits.CheckText(segment, trimmed, max) is { } tooLong)
        {
            return tooLong;
        }

        var builder = new StringBuilder(trimmed.Length);
        foreach (var rune in trimmed.EnumerateRunes())
        {
            builder.Append(rune.Value switch
            {
                >= 'A' and <= 'Z' => (char)(rune.Value + ('a' - 'A')),
                (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_' => (char)rune.Value,
                _ => '_',
            });
        }

        var result = builder.ToString();
        if (result.All(c => c == '_') || result is "." or "..")
        {
            return ApiError.BadRequest($"{segment} is invalid");
        }

        normalized = result;
        return null;
    }

    private static int MaxChars(string segment) => segment switch
    {
        "product" => InputLimits.ProductChars,
        "version" => InputLimits.VersionChars,
        "platform" => InputLimits.PlatformChars,
        "filename" => InputLimits.FilenameChars,
        _ => InputLimits.DefaultChars,
    };

    /// <summary>
    /// <c>releases/{product}/{version}/{platform}/{artifactId}/</c>, normalizing in the order product, version,
    /// platform; the first failing segment is the error.
    /// </summary>
    public static ApiError? TryBuildPrefix(string product, string version, string platform, string artifactId, out string prefix)
    {
        prefix = string.Empty;
        if (TryNormalize("product", product, out var p) is { } productError)
        {
            return productError;
        }

        if (TryNormalize("version", version, out var v) is { } versionError)
        {
            return versionError;
        }

        if (TryNormalize("platform", platform, out var pl) is { } platformError)
        {
            return platformError;
        }

        prefix = $"releases/{p}/{v}/{pl}/{artifactId}/";
        return null;
    }
}
