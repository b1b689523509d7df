using System.Diagnostics;

namespace Releasy.Api.Telemetry;

/// <summary>
/// The API's own spans, nested in each request's: where a request spends its time (authenticating a key or a
/// download token, checking the entitlement, presigning). They carry ids only, never a secret.
/// </summary>
public static class ReleasyActivities
{
    public const string SourceName = "Releasy.Api";

    public static readonly ActivitySource Source = new(SourceName);
}
