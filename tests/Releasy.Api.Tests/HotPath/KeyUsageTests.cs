using Microsoft.EntityFrameworkCore;
using Releasy.Api.Auth;
using Releasy.Testing;

namespace Releasy.Api.Tests.HotPath;

/// <summary>
/// <c>last_used_at</c> is coalesced (contract 0.10): a request records the use, the writer stamps it every
/// <see cref="KeyUsageWriter.Interval"/> of the API's clock and at shutdown, and a stamp never moves backwards.
/// </summary>
public sealed class KeyUsageTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Introspect = "/v1/auth/introspect";
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task The_periodic_flush_stamps_the_latest_use_of_each_key()
    {
        var customerId = await TestData.CreateCustomerAsync(Api.CreateAdminClient());
        var (keyId, key) = await TestData.CreateKeyAsync(Api.CreateAdminClient(), customerId);
        var client = Api.CreateApiKeyClient(key);
        await (await client.PostAsync(Introspect, null)).AssertOkAsync();
        Api.Clock.Advance(TimeSpan.FromMilliseconds(1500));
        await (await client.PostAsync(Introspect, null)).AssertOkAsync();
        var latest = Api.Now;
        var beforeFlush = await LastUsedAtAsync(keyId);

        Api.Clock.Advance(KeyUsageWriter.Interval);

        Assert.Null(beforeFlush);
        Assert.Equal(latest, await Eventually.UntilAsync(() => LastUsedAtAsync(keyId), v => v == latest, "the periodic last_used_at flush"));
    }

    [Fact]
    public async Task A_flush_never_moves_last_used_at_backwards()
    {
        var customerId = await TestData.CreateCustomerAsync(Api.CreateAdminClient());
        var (keyId, key) = await TestData.CreateKeyAsync(Api.CreateAdminClient(), customerId);
        await (await Api.CreateApiKeyClient(key).PostAsync(Introspect, null)).AssertOkAsync();
        var later = Api.Now + 100; // Another instance stamped a later use in the meantime.
        await using (var db = Api.Database.CreateContext())
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, later));
        }

        var stamped = await Api.FlushKeyUsageAsync();

        Assert.Equal(0, stamped);
        Assert.Equal(later, await LastUsedAtAsync(keyId));
    }

    [Fact]
    public async Task Stopping_the_host_stamps_the_uses_not_yet_flushed()
    {
        await using var database = await TestDatabase.CreateAsync();
        var api = new ReleasyApiFactory(database);
        var customerId = await TestData.CreateCustomerAsync(api.CreateAdminClient());
        var (keyId, key) = await TestData.CreateKeyAsync(api.CreateAdminClient(), customerId);
        await (await api.CreateApiKeyClient(key).PostAsync(Introspect, null)).AssertOkAsync();
        var usedAt = api.Now;

        await api.DisposeAsync();

        await using var db = database.CreateContext();
        Assert.Equal(usedAt, (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt);
    }

    private async Task<long?> LastUsedAtAsync(string keyId)
    {
        await using var db = Api.Database.CreateContext();
        return await db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.LastUsedAt).SingleAsync();
    }
}
