using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Releasy.Api.Audit;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Tests.HotPath;

/// <summary>
/// <c>api_key.auth</c> events are written behind the response (contract 0.10): a clean shutdown writes every queued
/// event, and a full queue drops events and counts them on <c>releasy.audit.dropped</c>.
/// </summary>
public sealed class AuditQueueTests
{
    private const string Introspect = "/v1/auth/introspect";

    [Fact]
    public async Task Stopping_the_host_writes_every_queued_event_before_it_returns()
    {
        await using var database = await TestDatabase.CreateAsync();
        var api = new ReleasyApiFactory(database);
        var customer = await api.SeedCustomerAsync();
        var key = await api.SeedApiKeyAsync(customer.Id);
        var client = api.CreateApiKeyClient(key);
        var anonymous = api.CreateClient();
        await (await client.PostAsync(Introspect, null)).AssertOkAsync();
        await api.FlushAuditAsync();
        await using var held = await AuditLock.TakeAsync(database);

        for (var i = 0; i < 100; i++)
        {
            await (await client.PostAsync(Introspect, null)).AssertOkAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Introspect, null)).StatusCode);
        }

        await held.ReleaseAsync();
        await api.DisposeAsync();

        await using var db = database.CreateContext();
        Assert.Equal(101, await db.AuditEvents.CountAsync(e => e.CustomerId == customer.Id && e.Payload!.Contains("\"accept\"")));
        Assert.Equal(100, await db.AuditEvents.CountAsync(e => e.CustomerId == null && e.Payload!.Contains("missing_header")));
    }

    [Fact]
    public async Task A_full_queue_drops_the_event_counts_it_and_still_answers()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, services: s =>
            s.AddSingleton(sp => new AuditQueue(sp.GetRequiredService<ReleasyMetrics>(), capacity: 1)));
        var anonymous = api.CreateClient();
        using var dropped = new MetricCollector<long>(
            api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ReleasyMetrics.MeterName, "releasy.audit.dropped");
        const int requests = 6;

        await using (var held = await AuditLock.TakeAsync(database))
        {
            for (var i = 0; i < requests; i++)
            {
                // Every answer is still the contract's, whatever happens to its audit event.
                await (await anonymous.PostAsync(Introspect, null)).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
            }
        }

        await api.FlushAuditAsync();
        await using var db = database.CreateContext();
        var written = await db.AuditEvents.CountAsync();
        var droppedCount = dropped.GetMeasurementSnapshot().Sum(m => m.Value);
        // At most one batch is stuck in the writer and one event waits in the queue of one.
        Assert.InRange(droppedCount, requests - 2, requests);
        Assert.Equal(requests, written + droppedCount);
    }
}
