namespace Releasy.Api.Http;

/// <summary>Header rules shared by every credential header (contract 1.10).</summary>
public static class Credentials
{
    public const string AdminKeyHeader = "x-releasy-admin-key";
    public const string ApiKeyHeader = "x-releasy-api-key";

    /// <summary>
    /// The first occurrence, trimmed; null when absent, empty, or holding bytes outside visible ASCII.
    /// </summary>
    public static string? Read(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[name];
        if (values.Count == 0 || values[0] is not { } raw || !IsVisibleAscii(raw))
        {
            return null;
        }

        var trimmed = raw.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    public static bool IsVisibleAscii(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return false;
            }
        }

        return true;
    }
}
