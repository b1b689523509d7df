namespace Releasy.Api.Data;

/// <summary>
/// Logs a database outage once, not once per request: the first failure is one warning with the exception's
/// type and message (no stack trace, no connection string), then a count of the failures every
/// <see cref="SummaryInterval"/> while it lasts and once more when the database answers again.
/// </summary>
public sealed partial class DatabaseOutageTracker(TimeProvider clock, ILogger<DatabaseOutageTracker> logger)
{
    /// <summary>How long a client is asked to wait (<c>Retry-After</c>) before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private bool _down;
    private long _failures;
    private DateTimeOffset _lastLog;

    public bool IsDown
    {
        get
        {
            lock (_lock)
            {
                return _down;
            }
        }
    }

    /// <summary>A request that could not reach the database.</summary>
    public void RecordFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _failures++;
            if (!_down)
            {
                _down = true;
                _lastLog = now;
                LogUnreachable(logger, exception.GetType().Name, exception.Message);
                return;
            }

            if (now - _lastLog >= SummaryInterval)
            {
                _lastLog = now;
                LogStillUnreachable(logger, _failures);
            }
        }
    }

    /// <summary>A connection opened: ends an outage, with its count.</summary>
    public void RecordSuccess()
    {
        lock (_lock)
        {
            if (!_down)
            {
                return;
            }

            LogReachableAgain(logger, _failures);
            _down = false;
            _failures = 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable: {ExceptionType}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} requests failed while the database was unreachable (still unreachable)")]
    private static partial void LogStillUnreachable(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database reachable again: {Count} requests failed while the database was unreachable")]
    private static partial void LogReachableAgain(ILogger logger, long count);
}
