using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Releasy.Api.Tests.Logging;

/// <summary>Keeps every formatted log line, with its category, whatever its level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Each line as <c>category: message</c>, exception text included.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            provider.Messages.Enqueue(message);
            provider.Lines.Enqueue($"{category} [{logLevel}]: {message} {exception}");
        }
    }
}
