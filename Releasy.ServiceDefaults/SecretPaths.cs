namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps bearer secrets that travel in URL paths out of telemetry: a download token is the last segment of
/// <c>/v1/downloads/{token}</c>. (Query strings, which carry storage signatures, are redacted by the
/// OpenTelemetry instrumentation itself.)
/// </summary>
public static class SecretPaths
{
    private const string DownloadsPrefix = "/v1/downloads/";
    private const string Redacted = DownloadsPrefix + "{token}";

    public static string? Redact(string? path) =>
        path is not null
        && path.StartsWith(DownloadsPrefix, StringComparison.Ordinal)
        && path.Length > DownloadsPrefix.Length
        && !path.AsSpan(DownloadsPrefix.Length).SequenceEqual("token")
            ? Redacted
            : path;
}
