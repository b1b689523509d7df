using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Releasy.Api.Data;

namespace Releasy.Api.Tests.Data;

/// <summary>One warning when an outage starts, a count while it lasts, a summary when the database is back.</summary>
public sealed class DatabaseOutageTrackerTests
{
    [Fact]
    public void An_outage_is_logged_once_then_counted_every_interval_and_summarised_when_it_ends()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var lines = new ConcurrentQueue<string>();
        var tracker = new DatabaseOutageTracker(clock, new Logger<DatabaseOutageTracker>(new LoggerFactory([new Capture(lines)])));

        tracker.RecordSuccess();
        for (var i = 0; i < 3; i++)
        {
            tracker.RecordFailure(new TimeoutException("connect timed out"));
        }

        Assert.Equal(["Database unreachable: TimeoutException: connect timed out"], lines);
        clock.Advance(DatabaseOutageTracker.SummaryInterval);
        tracker.RecordFailure(new TimeoutException("connect timed out"));
        tracker.RecordFailure(new TimeoutException("connect timed out"));
        tracker.RecordSuccess();
        tracker.RecordSuccess();

        Assert.Equal(
        [
            "Database unreachable: TimeoutException: connect timed out",
            "4 requests failed while the database was unreachable (still unreachable)",
            "Database reachable again: 5 requests failed while the database was unreachable",
        ], lines);
        Assert.False(tracker.IsDown);
    }

    private sealed class Capture(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
