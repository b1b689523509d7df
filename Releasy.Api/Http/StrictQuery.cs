using System.Globalization;

namespace Releasy.Api.Http;

/// <summary>
/// Reads query parameters the way the contract types them: a repeated parameter or a value of the wrong
/// type is a 400 <c>Failed to deserialize query string: …</c>, raised while binding, before authentication.
/// </summary>
public sealed class StrictQuery(IQueryCollection query)
{
    /// <summary>A string filter: trimmed, and an empty or whitespace-only value counts as absent.</summary>
    public string? Filter(string name)
    {
        var value = Single(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public uint? Count(string name) => Parse(name, static (string s, out uint v) =>
        uint.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v) && !s.StartsWith('-'),
        "u32");

    public long? Number(string name) => Parse(name, static (string s, out long v) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v), "i64");

    public bool? Boolean(string name) => Parse(name, static (string s, out bool v) =>
    {
        v = s == "true";
        return s is "true" or "false";
    }, "a boolean");

    private delegate bool TryParser<T>(string text, out T value);

    private T? Parse<T>(string name, TryParser<T> parse, string expected) where T : struct
    {
        var raw = Single(name);
        if (raw is null)
        {
            return null;
        }

        return parse(raw, out var value)
            ? value
            : throw Fail($"{name}: invalid value: \"{raw}\", expected {expected}");
    }

    private string? Single(string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw Fail($"duplicate field `{name}`");
        }

        var value = values[0] ?? string.Empty;
        // §0.9: PostgreSQL cannot compare against a NUL character.
        return InputLimits.CheckFilter(name, value) is { } nul ? throw new ApiException(nul) : value;
    }

    private static ApiException Fail(string detail) =>
        new(ApiError.BadRequest($"Failed to deserialize query string: {detail}"));
}
