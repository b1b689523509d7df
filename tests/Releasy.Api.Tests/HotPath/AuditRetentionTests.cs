using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Releasy.Api.Audit;
using Releasy.Api.Data.Entities;
using Releasy.Api.Options;
using Releasy.Api.Telemetry;
using Releasy.Testing;

namespace Releasy.Api.Tests.HotPath;

/// <summary><c>RELEASY_AUDIT_RETENTION_DAYS</c> (contract 0.10) and its pruner.</summary>
public sealed class AuditRetentionTests
{
    private const long Day = 86_400;

    [Fact]
    public async Task The_pruner_deletes_old_events_in_batches_and_keeps_recent_ones()
    {
        await using var database = await TestDatabase.CreateAsync();
        var now = ReleasyApiFactory.Start.ToUnixTimeSeconds();
        var cutoff = now - 30 * Day;
        await SeedEventsAsync(database, 2_500, cutoff - Day);
        await SeedEventsAsync(database, 10, cutoff + Day);
        await using var api = new ReleasyApiFactory(database,
            new Dictionary<string, string?> { [AuditRetentionOptions.Variable] = "30" });
        _ = api.Server; // The first run starts with the host.

        // One batch, then a pause on the fake clock: nothing more goes until the clock moves.
        await Eventually.UntilAsync(() => CountOlderThanAsync(database, cutoff), n => n == 1_500, "the first batch");
        using var pruned = new MetricCollector<long>(
            api.Services.GetRequiredService<IMeterFactory>(), ReleasyMetrics.MeterName, "releasy.audit.pruned");
        await Eventually.UntilAsync(() =>
        {
            api.Clock.Advance(AuditPruner.Pause);
            return CountOlderThanAsync(database, cutoff);
        }, n => n == 0, "the remaining batches");

        Assert.Equal([1_000, 500], pruned.GetMeasurementSnapshot().Select(m => m.Value));
        await using var db = database.CreateContext();
        Assert.Equal(10, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task Without_the_setting_every_event_is_kept()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database);
        await SeedEventsAsync(database, 5, api.Now - 3_650 * Day);

        var pruned = await api.Services.GetRequiredService<AuditPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(0, pruned);
        await using var db = database.CreateContext();
        Assert.Equal(5, await db.AuditEvents.CountAsync());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData(" 7")]
    [InlineData("")]
    [InlineData("99999999999")]
    public void A_bad_value_is_refused_when_the_settings_are_read_at_start(string value)
    {
        // The settings Program checks before the listener opens (CheckStartupAsync); the failure is its one line.
        var error = Assert.Throws<StartupException>(() => ReleasySettings.Parse(Config(value), SomeDatabase));

        Assert.Equal("RELEASY_AUDIT_RETENTION_DAYS must be a positive integer (days), or unset to keep every audit event", error.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("30", 30u)]
    [InlineData("+7", 7u)]
    [InlineData("36500", 36_500u)]
    public void Valid_values_parse_to_days(string? value, uint? days) =>
        Assert.Equal(days, ReleasySettings.Parse(Config(value), SomeDatabase).AuditRetention.Days);

    private static DatabaseOptions SomeDatabase => new() { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=:memory:" };

    private static IConfiguration Config(string? retention) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [AuditRetentionOptions.Variable] = retention }).Build();

    private static async Task SeedEventsAsync(TestDatabase database, int count, long createdAt)
    {
        await using var db = database.CreateContext();
        db.AuditEvents.AddRange(Enumerable.Range(0, count).Select(_ => new AuditEvent
        {
            Id = Guid.NewGuid().ToString(), Actor = "api_key", Event = "api_key.auth", Payload = null, CreatedAt = createdAt,
        }));
        await db.SaveChangesAsync();
    }

    private static async Task<int> CountOlderThanAsync(TestDatabase database, long cutoff)
    {
        await using var db = database.CreateContext();
        return await db.AuditEvents.CountAsync(e => e.CreatedAt < cutoff);
    }
}
