using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Idempotency;
using Releasy.Api.Options;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Tests.Idempotency;

/// <summary>
/// A reservation is a lease: a key whose holder died (its row left <c>in_progress</c>) is taken over by a retry
/// once the lease is over, instead of answering 409 for the record's whole day.
/// </summary>
public sealed class IdempotencyLeaseTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_retry_after_the_lease_of_a_dead_request_runs_the_operation_and_answers_200()
    {
        var key = "dead-" + Guid.NewGuid().ToString("N");
        var name = "Lease " + key;
        await SeedInProgressAsync(key, name, fixture.Api.Now - IdempotencyService.LeaseSeconds);

        var response = await fixture.Api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name }, key);

        var created = await response.AssertOkAsync();
        var replay = await (await fixture.Api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name }, key)).AssertOkAsync();
        Assert.Equal(created.ToJsonString(), replay.ToJsonString());
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(1, db.Customers.Count(c => c.Name == name));
    }

    [Fact]
    public async Task A_retry_within_the_lease_of_a_running_request_answers_409_in_progress()
    {
        var key = "running-" + Guid.NewGuid().ToString("N");
        var name = "Lease " + key;
        await SeedInProgressAsync(key, name, fixture.Api.Now - IdempotencyService.LeaseSeconds + 1);

        var response = await fixture.Api.CreateAdminClient().PostJsonAsync("/v1/admin/customers", new { name }, key);

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_in_progress", "idempotency key already in progress");
        await using var db = fixture.Api.Database.CreateContext();
        Assert.Equal(0, db.Customers.Count(c => c.Name == name));
    }

    [Fact]
    public async Task When_the_answer_cannot_be_stored_the_operation_is_rolled_back_and_the_key_is_free()
    {
        var key = "unstored-" + Guid.NewGuid().ToString("N");
        var endpoint = "admin_create_customer";
        var name = "Unstored " + key;
        await using var db = ContextFailingCompletion();
        var service = new IdempotencyService(db, fixture.Api.Clock, fixture.Api.Services.GetRequiredService<ReleasyMetrics>(), NullLogger<IdempotencyService>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Headers[IdempotencyService.HeaderName] = key;

        var result = await service.RunAsync(http.Request, endpoint, "fingerprint", async () =>
        {
            db.Customers.Add(new Customer { Id = Guid.NewGuid().ToString(), Name = name, CreatedAt = fixture.Api.Now });
            await db.SaveChangesAsync();
            return (Outcome<string>)"created";
        }, CancellationToken.None);

        Assert.Equal(Releasy.Api.Http.ApiError.Internal("failed to create customer"), result);
        await using var check = fixture.Api.Database.CreateContext();
        Assert.Equal(0, check.Customers.Count(c => c.Name == name));
        Assert.False(await check.IdempotencyKeys.AnyAsync(r => r.IdempotencyKey == key && r.Endpoint == endpoint));
    }

    /// <summary>A context on the test database whose write of the stored answer fails, as a lost connection would.</summary>
    private ReleasyDbContext ContextFailingCompletion()
    {
        var database = fixture.Api.Database;
        var interceptor = new FailingCompletion();
        return database.Provider == DatabaseProvider.Postgres
            ? new ReleasyDbContext(new DbContextOptionsBuilder<ReleasyDbContext>()
                .UseNpgsql(database.ConnectionString).AddInterceptors(interceptor).Options)
            : new SqliteReleasyDbContext(new DbContextOptionsBuilder<SqliteReleasyDbContext>()
                .UseSqlite(database.ConnectionString).AddInterceptors(interceptor).Options);
    }

    private sealed class FailingCompletion : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            command.CommandText.StartsWith("UPDATE", StringComparison.Ordinal) && command.CommandText.Contains("response_body", StringComparison.Ordinal)
                ? throw new CompletionWriteFailed()
                : base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    private sealed class CompletionWriteFailed() : DbException("connection lost");

    /// <summary>What a request that died after reserving its key leaves behind.</summary>
    private async Task SeedInProgressAsync(string key, string name, long createdAt)
    {
        await using var db = fixture.Api.Database.CreateContext();
        db.IdempotencyKeys.Add(new IdempotencyRecord
        {
            IdempotencyKey = key,
            Endpoint = "admin_create_customer",
            RequestHash = CanonicalJson.Fingerprint("", ("name", name), ("plan", null)),
            State = IdempotencyRecord.InProgress,
            CreatedAt = createdAt,
            ExpiresAt = createdAt + 86_400,
        });
        await db.SaveChangesAsync();
    }
}
