using Releasy.Api.Data.Entities;
using Releasy.Api.Idempotency;

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
