namespace Releasy.Api.Http;

public static class RequestText
{
    /// <summary>The trimmed value, or null when it is missing or blank (optional free-text fields).</summary>
    public static string? TrimToNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
