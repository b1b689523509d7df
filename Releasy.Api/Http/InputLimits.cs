using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Releasy.Api.Http;

/// <summary>
/// §0.9: every string a request stores or filters on refuses a NUL character (PostgreSQL cannot store one) and has
/// a maximum length (btree index rows, S3 keys and file names are bounded); JSON values (entitlement
/// <c>metadata</c>) have a maximum depth and size, so that whatever is accepted also reads back. Lengths count
/// characters (Unicode scalar values) of the trimmed value, unless a field says bytes.
/// </summary>
public static class InputLimits
{
    public const int DefaultChars = 255;
    public const int ProductChars = 128;
    public const int VersionChars = 128;
    public const int PlatformChars = 128;
    public const int FilenameChars = 200;
    public const int ObjectKeyBytes = 1024;
    public const int JsonDepth = 32;
    public const int JsonBytes = 64 * 1024;

    private static readonly ConcurrentDictionary<Type, FieldRule[]> Rules = new();

    private sealed record FieldRule(string Name, int Max, bool Utf8Bytes, bool IsJsonValue);

    /// <summary>The first field of a bound body of type <typeparamref name="T"/> that breaks a limit, in declaration order.</summary>
    public static ApiError? CheckBody<T>(JsonElement body)
    {
        foreach (var rule in Rules.GetOrAdd(typeof(T), RulesFor))
        {
            if (!body.TryGetProperty(rule.Name, out var value))
            {
                continue;
            }

            var error = rule.IsJsonValue ? CheckJson(rule.Name, value) : CheckStrings(rule, value);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>A query filter: no NUL (lookups need no length limit, a long value just matches nothing).</summary>
    public static ApiError? CheckFilter(string field, string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? ApiError.BadRequest($"{field} must not contain NUL characters")
            : null;

    /// <summary>NUL first, then the length of the trimmed value in characters.</summary>
    public static ApiError? CheckText(string field, string? value, int maxChars) => CheckText(field, value, maxChars, utf8Bytes: false);

    private static ApiError? CheckText(string field, string? value, int max, bool utf8Bytes)
    {
        if (value is null)
        {
            return null;
        }

        if (CheckFilter(field, value) is { } nul)
        {
            return nul;
        }

        var trimmed = value.Trim();
        var length = utf8Bytes ? Encoding.UTF8.GetByteCount(trimmed) : CharacterCount(trimmed, max);
        return length > max ? ApiError.BadRequest($"{field} must be at most {max} {(utf8Bytes ? "bytes" : "characters")}") : null;
    }

    /// <summary>Unicode scalar values, counted only as far as needed.</summary>
    public static int CharacterCount(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= max ? value.Length : value.EnumerateRunes().Count();
    }

    private static ApiError? CheckStrings(FieldRule rule, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return CheckText(rule.Name, value.GetString(), rule.Max, rule.Utf8Bytes);
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && CheckText(rule.Name, item.GetString(), rule.Max, rule.Utf8Bytes) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static ApiError? CheckJson(string field, JsonElement value)
    {
        if (Depth(value) > JsonDepth)
        {
            return ApiError.BadRequest($"{field} must be nested at most {JsonDepth} levels deep");
        }

        return Encoding.UTF8.GetByteCount(StoredJson.Serialize(value)) > JsonBytes
            ? ApiError.BadRequest($"{field} must be at most {JsonBytes} bytes")
            : null;
    }

    /// <summary>Scalars are 0 deep, <c>[1]</c> is 1 deep, <c>{"a":[1]}</c> 2.</summary>
    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static FieldRule[] RulesFor(Type type) =>
        [.. ReleasyJson.Options.GetTypeInfo(type).Properties.Select(RuleFor).OfType<FieldRule>()];

    private static FieldRule? RuleFor(JsonPropertyInfo property)
    {
        var type = property.PropertyType;
        if (type == typeof(JsonElement) || type == typeof(JsonElement?) || type == typeof(Optional<JsonElement?>))
        {
            return new FieldRule(property.Name, 0, false, IsJsonValue: true);
        }

        var isText = type == typeof(string) || type == typeof(Optional<string?>) || typeof(IEnumerable<string>).IsAssignableFrom(type);
        if (!isText)
        {
            return null;
        }

        var limit = property.AttributeProvider?.GetCustomAttributes(typeof(TextLimitAttribute), inherit: false)
            .OfType<TextLimitAttribute>().FirstOrDefault();
        return new FieldRule(property.Name, limit?.Max ?? DefaultChars, limit?.Utf8Bytes ?? false, IsJsonValue: false);
    }
}
