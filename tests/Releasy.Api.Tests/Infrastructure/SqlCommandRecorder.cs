using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// Records the SQL EF Core executes in this process (through its DiagnosticListener), so a test can count
/// the queries one request made, or act just before one runs (<see cref="BeforeOnce"/>). Other test classes
/// run in parallel: match commands by a value only your test uses.
/// </summary>
public sealed class SqlCommandRecorder : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly ConcurrentQueue<(string Sql, List<object?> Parameters)> _commands = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;
    private Hook? _before;

    public SqlCommandRecorder() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Commands whose text contains <paramref name="sqlFragment"/> and whose parameters carry any of <paramref name="values"/>.</summary>
    public int CountMentioningAny(string sqlFragment, params string[] values) =>
        Matching(sqlFragment).Count(c => values.Any(v => c.Parameters.Any(p => Carries(p, v))));

    /// <summary>Commands whose text contains <paramref name="sqlFragment"/> and whose parameters carry every one of <paramref name="values"/>.</summary>
    public int CountMentioningAll(string sqlFragment, params string[] values) =>
        Matching(sqlFragment).Count(c => values.All(v => c.Parameters.Any(p => Carries(p, v))));

    /// <summary>
    /// Runs <paramref name="action"/> synchronously, once, right before the first command that starts with
    /// <paramref name="sqlPrefix"/> and carries <paramref name="value"/> as a parameter: a deterministic
    /// "someone else got in between" for concurrency tests.
    /// </summary>
    public void BeforeOnce(string sqlPrefix, string value, Action action) => _before = new Hook(sqlPrefix, value, action);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData executing
            && _before is { } before
            && executing.Command.CommandText.TrimStart().StartsWith(before.SqlPrefix, StringComparison.OrdinalIgnoreCase)
            && executing.Command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Carries(p.Value, before.Value))
            && ReferenceEquals(Interlocked.CompareExchange(ref _before, null, before), before))
        {
            before.Action();
        }

        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data)
        {
            var parameters = data.Command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => p.Value).ToList();
            _commands.Enqueue((data.Command.CommandText, parameters));
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    private IEnumerable<(string Sql, List<object?> Parameters)> Matching(string sqlFragment) =>
        _commands.Where(c => c.Sql.Contains(sqlFragment, StringComparison.OrdinalIgnoreCase));

    private sealed record Hook(string SqlPrefix, string Value, Action Action);

    private static bool Carries(object? parameter, string value) => parameter switch
    {
        string s => s.Contains(value, StringComparison.Ordinal),
        IEnumerable items => items.Cast<object?>().Any(i => Carries(i, value)),
        _ => false,
    };
}
