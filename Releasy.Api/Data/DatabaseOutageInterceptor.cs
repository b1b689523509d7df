using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Releasy.Api.Data;

/// <summary>
/// Feeds <see cref="DatabaseOutageTracker"/> from every context, whatever the endpoint then answers: a connection
/// that cannot open (or a command cut off by the server going away) counts as a failure, an opened one ends
/// the outage.
/// </summary>
public sealed class DatabaseOutageInterceptor(DatabaseOutageTracker tracker) : DbConnectionInterceptor, IDbCommandInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => tracker.RecordSuccess();

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        tracker.RecordSuccess();
        return Task.CompletedTask;
    }

    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Record(eventData.Exception);

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(eventData.Exception);
        return Task.CompletedTask;
    }

    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData) => Record(eventData.Exception);

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken)
    {
        Record(eventData.Exception);
        return Task.CompletedTask;
    }

    private void Record(Exception exception)
    {
        if (exception.IsUnreachable())
        {
            tracker.RecordFailure(exception);
        }
    }
}
