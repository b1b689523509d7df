namespace Releasy.Api.Http;

/// <summary>
/// Code-point order, which is the byte order of the UTF-8 encodings: how the original server sorted JSON object
/// keys. <see cref="StringComparer.Ordinal"/> compares UTF-16 code units and differs for characters above U+FFFF.
/// </summary>
public sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        var left = (x ?? string.Empty).EnumerateRunes();
        var right = (y ?? string.Empty).EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
