using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Releasy.Api.Background;
using Releasy.Api.Data;
using Releasy.Api.Options;

namespace Releasy.Api.Auth;

/// <summary>
/// Stamps the recorded key uses on <c>last_used_at</c> every <see cref="Interval"/> (on <see cref="TimeProvider"/>)
/// and once more after the web server has stopped: one UPDATE per flush, which never moves a stamp backwards
/// (another instance may have written a later one). A key deleted meanwhile is simply not matched. A failed flush
/// is logged once and its uses go back to the recorder for the next one.
/// </summary>
public sealed partial class KeyUsageWriter(
    KeyUsageRecorder recorder, IServiceScopeFactory scopes, DatabaseOptions database, TimeProvider clock,
    ILogger<KeyUsageWriter> logger) : WriteBehindService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Keys per statement: far above a normal flush, and inside both providers' parameter limits.</summary>
    private const int MaxKeysPerStatement = 5_000;

    private const string PostgresSql = """
        UPDATE api_keys AS k SET last_used_at = u.used_at
        FROM unnest(@ids, @used) AS u(id, used_at)
        WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.used_at)
        """;

    private const string SqliteSql = """
        UPDATE api_keys SET last_used_at = u.used_at
        FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS used_at FROM json_each(@uses)) AS u
        WHERE api_keys.id = u.id AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < u.used_at)
        """;

    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Writes every use recorded so far; returns how many keys were stamped.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var uses = recorder.Take();
            var stamped = 0;
            foreach (var chunk in uses.Chunk(MaxKeysPerStatement))
            {
                stamped += await WriteAsync(chunk, ct);
            }

            return stamped;
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Stops the periodic flush if the host never stopped it. The semaphore and the token source stay undisposed (no
    /// wait handle or timer is ever created on them), so a flush or stop racing the container's disposal still works.
    /// </summary>
    public void Dispose() => _stopping.Cancel();

    protected override void EndLoop() => _stopping.Cancel();

    /// <summary>After the web server has stopped: the last uses are written, within the shutdown timeout.</summary>
    protected override Task DrainAsync(CancellationToken ct) => FlushAsync(ct);

    protected override async Task RunAsync()
    {
        var stopping = _stopping.Token;
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await FlushAsync(stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: DrainAsync flushes once more.
        }
    }

    private async Task<int> WriteAsync((string ApiKeyId, long UsedAt)[] uses, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReleasyDbContext>();
            return database.Provider == DatabaseProvider.Postgres
                ? await db.Database.ExecuteSqlRawAsync(PostgresSql, [
                    new NpgsqlParameter("ids", uses.Select(u => u.ApiKeyId).ToArray()),
                    new NpgsqlParameter("used", uses.Select(u => u.UsedAt).ToArray())], ct)
                : await db.Database.ExecuteSqlRawAsync(SqliteSql, [
                    new SqliteParameter("@uses", JsonSerializer.Serialize(uses.Select(u => new object[] { u.ApiKeyId, u.UsedAt })))], ct);
        }
        catch (DbException ex)
        {
            LogFlushFailed(logger, uses.Length, ex.GetType().Name, ex.Message);
            foreach (var (id, usedAt) in uses)
            {
                recorder.Record(id, usedAt);
            }

            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stamp last_used_at on {Count} API keys (retried on the next flush): {ErrorType}: {Error}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string errorType, string error);
}
