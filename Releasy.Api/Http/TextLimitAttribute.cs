namespace Releasy.Api.Http;

/// <summary>
/// The maximum length of a request string field (or of each entry of a string array), when it differs from
/// <see cref="InputLimits.DefaultChars"/>. Read by <see cref="InputLimits"/> while the body is bound (§0.9).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextLimitAttribute(int max) : Attribute
{
    public int Max { get; } = max;

    /// <summary>Count UTF-8 bytes instead of characters (object keys, whose stores limit bytes).</summary>
    public bool Utf8Bytes { get; init; }
}
