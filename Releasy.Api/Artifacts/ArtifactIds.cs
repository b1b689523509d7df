using Releasy.Api.Http;

namespace Releasy.Api.Artifacts;

/// <summary>The <c>artifact_id</c> rule shared by register and download-token issue (contract 3.7.3, 3.8.1).</summary>
public static class ArtifactIds
{
    private const string UrnPrefix = "urn:uuid:";

    /// <summary>Trims and canonicalizes a request's <c>artifact_id</c>, or returns the 400 to answer with.</summary>
    public static ApiError? Parse(string value, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(value);
        canonical = string.Empty;
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return ApiError.BadRequest("artifact_id is required");
        }

        return TryCanonicalize(trimmed, out canonical) ? null : ApiError.BadRequest("artifact_id must be a valid UUID");
    }

    /// <summary>
    /// Parses a trimmed id in hyphenated, 32-hex, braced or <c>urn:uuid:</c> form (hex digits in any case) and
    /// returns the canonical lower-case hyphenated form.
    /// </summary>
    private static bool TryCanonicalize(string value, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.StartsWith(UrnPrefix, StringComparison.Ordinal) ? value[UrnPrefix.Length..] : value;
        var parsed = text.Length switch
        {
            36 => Guid.TryParseExact(text, "D", out var d) ? d : (Guid?)null,
            32 => Guid.TryParseExact(text, "N", out var n) ? n : null,
            38 when text.StartsWith('{') && !value.StartsWith(UrnPrefix, StringComparison.Ordinal) =>
                Guid.TryParseExact(text, "B", out var b) ? b : null,
            _ => null,
        };
        canonical = parsed?.ToString("D") ?? string.Empty;
        return parsed is not null;
    }
}
