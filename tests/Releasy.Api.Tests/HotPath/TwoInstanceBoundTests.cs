using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.HotPath;

/// <summary>
/// Two API instances on one database (contract 0.10): a revocation, suspension, unpublish or entitlement end made
/// through instance A is refused by instance B once B's clock has moved one second, whatever B had cached. B's
/// cached read is still served before that, which is what makes the bound, not luck, the subject of these tests.
/// </summary>
public sealed class TwoInstanceBoundTests : IAsyncLifetime
{
    private const string Introspect = "/v1/auth/introspect";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly string _store = Directory.CreateTempSubdirectory("releasy-store-").FullName;
    private TestDatabase? _database;
    private ReleasyApiFactory? _a;
    private ReleasyApiFactory? _b;

    private ReleasyApiFactory A => _a!;
    private ReleasyApiFactory B => _b!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string?> { ["RELEASY_ARTIFACT_DIR"] = _store };
        _a = new ReleasyApiFactory(_database, settings);
        _b = new ReleasyApiFactory(_database, settings);
        _ = _a.Server;
        _ = _b.Server;
    }

    public async Task DisposeAsync()
    {
        await _a!.DisposeAsync();
        await _b!.DisposeAsync();
        await _database!.DisposeAsync();
        Directory.Delete(_store, recursive: true);
    }

    [Fact]
    public async Task A_key_revoked_on_one_instance_is_refused_by_the_other_within_one_second()
    {
        var customerId = await TestData.CreateCustomerAsync(A.CreateAdminClient());
        var (keyId, key) = await TestData.CreateKeyAsync(A.CreateAdminClient(), customerId);
        var onB = B.CreateApiKeyClient(key);
        await (await onB.PostAsync(Introspect, null)).AssertOkAsync();

        await (await A.CreateAdminClient().PostJsonAsync("/v1/admin/keys/revoke", new { api_key_id = keyId })).AssertOkAsync();
        var onA = await A.CreateApiKeyClient(key).PostAsync(Introspect, null);
        var cachedOnB = await onB.PostAsync(Introspect, null);
        B.Clock.Advance(Bound);
        var afterBound = await onB.PostAsync(Introspect, null);

        await onA.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await cachedOnB.AssertOkAsync();
        await afterBound.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task A_customer_suspended_on_one_instance_is_refused_by_the_other_within_one_second()
    {
        var (customer, key, release, _) = await EntitledCustomerWithReleaseAsync();
        var onB = B.CreateApiKeyClient(key);
        var token = await IssueTokenAsync(key, release);
        Assert.Single(await ListedOnBAsync(onB));
        Assert.Equal(HttpStatusCode.Found, (await RedeemOnBAsync(token)).StatusCode);

        await (await A.CreateAdminClient().PatchJsonAsync($"/v1/admin/customers/{customer.Id}", new { suspended = true })).AssertOkAsync();
        B.Clock.Advance(Bound);

        await (await onB.GetAsync("/v1/releases")).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await (await RedeemOnBAsync(token)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
    }

    [Fact]
    public async Task A_release_unpublished_on_one_instance_is_gone_from_the_other_within_one_second()
    {
        var (_, key, release, _) = await EntitledCustomerWithReleaseAsync();
        var onB = B.CreateApiKeyClient(key);
        var token = await IssueTokenAsync(key, release);
        Assert.Single(await ListedOnBAsync(onB));

        await (await A.CreateAdminClient().PostAsync($"/v1/releases/{release.Id}/unpublish", null)).AssertOkAsync();
        var cachedOnB = await ListedOnBAsync(onB);
        B.Clock.Advance(Bound);

        Assert.Single(cachedOnB);
        Assert.Empty(await ListedOnBAsync(onB));
        await (await RedeemOnBAsync(token)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not available");
    }

    [Fact]
    public async Task An_entitlement_ended_or_deleted_on_one_instance_stops_counting_on_the_other_within_one_second()
    {
        var (customer, key, release, entitlement) = await EntitledCustomerWithReleaseAsync();
        var second = await A.SeedReleaseAsync(status: Release.Published);
        await A.SeedArtifactAsync(second);
        var secondEntitlement = await A.SeedEntitlementAsync(customer.Id, second.Product);
        var onB = B.CreateApiKeyClient(key);
        var token = await IssueTokenAsync(key, release);
        Assert.Equal(2, (await ListedOnBAsync(onB)).Count);

        var admin = A.CreateAdminClient();
        await (await admin.PatchJsonAsync($"/v1/admin/customers/{customer.Id}/entitlements/{entitlement.Id}",
            new { ends_at = A.Now - 1 })).AssertOkAsync();
        (await admin.DeleteAsync($"/v1/admin/customers/{customer.Id}/entitlements/{secondEntitlement.Id}")).EnsureSuccessStatusCode();
        Assert.Equal(2, (await ListedOnBAsync(onB)).Count);
        B.Clock.Advance(Bound);

        Assert.Empty(await ListedOnBAsync(onB));
        await (await RedeemOnBAsync(token)).AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "release not available");
    }

    [Fact]
    public async Task Key_expiry_is_judged_against_now_on_every_request_never_cached()
    {
        var customerId = await TestData.CreateCustomerAsync(A.CreateAdminClient());
        var (_, key) = await TestData.CreateKeyAsync(A.CreateAdminClient(), customerId, expiresAt: B.Now + 1);
        var onB = B.CreateApiKeyClient(key);
        B.Clock.Advance(TimeSpan.FromMilliseconds(800));
        await (await onB.PostAsync(Introspect, null)).AssertOkAsync();

        // 200 ms later the lookup is still cached, but the second of expires_at has come.
        B.Clock.Advance(TimeSpan.FromMilliseconds(200));

        await (await onB.PostAsync(Introspect, null)).AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    private async Task<(Customer Customer, string Key, Release Release, Entitlement Entitlement)> EntitledCustomerWithReleaseAsync()
    {
        var release = await A.SeedReleaseAsync(status: Release.Published);
        await A.SeedArtifactAsync(release);
        var customer = await A.SeedCustomerAsync();
        var key = await A.SeedApiKeyAsync(customer.Id);
        var entitlement = await A.SeedEntitlementAsync(customer.Id, release.Product);
        return (customer, key, release, entitlement);
    }

    private async Task<string> IssueTokenAsync(string key, Release release)
    {
        await using var db = A.Database.CreateContext();
        var artifactId = db.Artifacts.Where(a => a.ReleaseId == release.Id).Select(a => a.Id).Single();
        var issued = await (await A.CreateApiKeyClient(key).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifactId }))
            .AssertOkAsync();
        return new Uri((string)issued["download_url"]!).Segments[^1];
    }

    private static async Task<List<string>> ListedOnBAsync(HttpClient onB)
    {
        var body = await (await onB.GetAsync("/v1/releases?include_artifacts=true")).AssertOkAsync();
        return body["releases"]!.AsArray().Select(r => (string)r!["id"]!).ToList();
    }

    private Task<HttpResponseMessage> RedeemOnBAsync(string token) =>
        B.CreateClient(new() { AllowAutoRedirect = false }).GetAsync($"/v1/downloads/{token}");
}
