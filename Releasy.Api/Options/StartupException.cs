namespace Releasy.Api.Options;

/// <summary>
/// A start-up failure the operator can fix: bad configuration or an unmigrated database.
/// Program prints its message as one line and exits non-zero.
/// </summary>
public sealed class StartupException(string message) : Exception(message);
