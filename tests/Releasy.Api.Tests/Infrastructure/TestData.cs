using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Releasy.Api.Audit;
using Releasy.Api.Auth;
using Releasy.Api.Caching;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// The tests' one seeding helper. <c>Seed*</c> write rows straight into the test's database, for state that no
/// endpoint under test creates (timestamps default to the factory's fake clock); <c>Create*</c> go through the
/// public admin API, for tests whose subject is what those endpoints write (audit events, idempotency, caches).
/// </summary>
public static class TestData
{
    /// <summary>A product name no other test uses.</summary>
    public static string UniqueProduct(string prefix = "product") => $"{prefix}-{Guid.NewGuid():N}";

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<Customer> SeedCustomerAsync(this ReleasyApiFactory api, string? name = null, long? suspendedAt = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var customer = new Customer
        {
            Id = Guid.NewGuid().ToString(),
            Name = name ?? "Customer " + Guid.NewGuid().ToString("N")[..8],
            CreatedAt = api.Now,
            SuspendedAt = suspendedAt,
        };
        await AddAsync(api, customer);
        return customer;
    }

    /// <summary>Stores a key exactly as key creation would (Argon2id hash, 12-character prefix) and returns the secret.</summary>
    public static async Task<string> SeedApiKeyAsync(
        this ReleasyApiFactory api, string customerId, IEnumerable<string>? scopes = null, long? expiresAt = null, long? revokedAt = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var secret = SecretHasher.NewApiKey();
        var hasher = api.Services.GetRequiredService<SecretHasher>();
        await AddAsync(api, new ApiKey
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            KeyHash = hasher.HashApiKey(secret),
            KeyPrefix = SecretHasher.LookupPrefix(secret),
            KeyType = "human",
            Scopes = JsonSerializer.Serialize(scopes ?? Scopes.All),
            ExpiresAt = expiresAt,
            CreatedAt = api.Now,
            RevokedAt = revokedAt,
        });
        return secret;
    }

    /// <summary>A customer with one key holding <paramref name="scopes"/> (all six by default).</summary>
    public static async Task<(Customer Customer, string ApiKey)> SeedCustomerWithKeyAsync(
        this ReleasyApiFactory api, IEnumerable<string>? scopes = null)
    {
        var customer = await api.SeedCustomerAsync();
        return (customer, await api.SeedApiKeyAsync(customer.Id, scopes));
    }

    /// <summary>A customer entitled to <paramref name="product"/> since an hour ago, with a key holding every scope.</summary>
    public static async Task<(Customer Customer, string ApiKey)> SeedEntitledCustomerAsync(this ReleasyApiFactory api, string product)
    {
        var (customer, apiKey) = await api.SeedCustomerWithKeyAsync();
        await api.SeedEntitlementAsync(customer.Id, product);
        return (customer, apiKey);
    }

    /// <summary>An entitlement; it starts an hour ago unless <paramref name="startsAt"/> says otherwise.</summary>
    public static async Task<Entitlement> SeedEntitlementAsync(
        this ReleasyApiFactory api, string customerId, string product, long? startsAt = null, long? endsAt = null, string? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var entitlement = new Entitlement
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            Product = product,
            StartsAt = startsAt ?? api.Now - 3600,
            EndsAt = endsAt,
            Metadata = metadata,
        };
        await AddAsync(api, entitlement);
        return entitlement;
    }

    /// <summary>A release of <paramref name="product"/> (a <see cref="UniqueProduct"/> when null).</summary>
    public static async Task<Release> SeedReleaseAsync(
        this ReleasyApiFactory api, string? product = null, string version = "1.0.0", string status = Release.Draft, long? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var created = createdAt ?? api.Now;
        var release = new Release
        {
            Id = Guid.NewGuid().ToString(),
            Product = product ?? UniqueProduct(),
            Version = version,
            Status = status,
            CreatedAt = created,
            PublishedAt = status == Release.Published ? created : null,
        };
        await AddAsync(api, release);
        return release;
    }

    /// <summary>Publishes (or unpublishes) a release in the database, at the fake clock's now.</summary>
    public static async Task SetPublishedAsync(this ReleasyApiFactory api, string releaseId, bool published = true)
    {
        ArgumentNullException.ThrowIfNull(api);
        await using var db = api.Database.CreateContext();
        var release = await db.Releases.SingleAsync(r => r.Id == releaseId);
        release.Status = published ? Release.Published : Release.Draft;
        release.PublishedAt = published ? api.Now : null;
        await db.SaveChangesAsync();
        api.RetireCaches();
    }

    /// <summary>An artifact row without any stored object (enough for listing and issuing tokens).</summary>
    public static async Task<Artifact> SeedArtifactAsync(
        this ReleasyApiFactory api, Release release, string platform = "linux-x86_64", string filename = "app.tar.gz",
        long? createdAt = null, long size = 1024)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(release);
        var id = Guid.NewGuid().ToString();
        var artifact = new Artifact
        {
            Id = id,
            ReleaseId = release.Id,
            ObjectKey = $"releases/{release.Product}/{release.Version}/{platform}/{id}/{filename}",
            Checksum = Sha256Hex(Guid.NewGuid().ToByteArray()),
            Size = size,
            Platform = platform,
            CreatedAt = createdAt ?? api.Now,
        };
        await AddAsync(api, artifact);
        return artifact;
    }

    /// <summary>A download token row (hash only, as issuance stores it); returns the stored hash.</summary>
    public static async Task<string> SeedDownloadTokenAsync(this ReleasyApiFactory api, string artifactId, string customerId, long ttlSeconds = 300)
    {
        ArgumentNullException.ThrowIfNull(api);
        var hash = api.Services.GetRequiredService<SecretHasher>().Sha256Hex(SecretHasher.NewDownloadToken());
        await AddAsync(api, new DownloadToken
        {
            TokenHash = hash,
            ArtifactId = artifactId,
            CustomerId = customerId,
            ExpiresAt = api.Now + ttlSeconds,
            CreatedAt = api.Now,
        });
        return hash;
    }

    /// <summary>Creates a customer through <c>POST /v1/admin/customers</c>; returns its id.</summary>
    public static async Task<string> CreateCustomerAsync(HttpClient admin, string? name = null)
    {
        var body = await (await admin.PostJsonAsync("/v1/admin/customers", new { name = name ?? "Customer " + Guid.NewGuid() }))
            .AssertOkAsync();
        return (string)body["id"]!;
    }

    /// <summary>Creates a key through <c>POST /v1/admin/keys</c>; null arguments are left out of the request.</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(
        HttpClient admin, string customerId, string[]? scopes = null, long? expiresAt = null, string? keyType = null)
    {
        var request = new JsonObject { ["customer_id"] = customerId };
        if (scopes is not null)
        {
            request["scopes"] = new JsonArray(scopes.Select(s => (JsonNode?)s).ToArray());
        }

        if (expiresAt is not null)
        {
            request["expires_at"] = expiresAt;
        }

        if (keyType is not null)
        {
            request["key_type"] = keyType;
        }

        var body = await (await admin.PostJsonAsync("/v1/admin/keys", request.ToJsonString())).AssertOkAsync();
        return ((string)body["api_key_id"]!, (string)body["api_key"]!);
    }

    /// <summary>Creates an entitlement through the admin API; returns its id.</summary>
    public static async Task<string> CreateEntitlementAsync(HttpClient admin, string customerId, object body)
    {
        var response = await admin.PostJsonAsync($"/v1/admin/customers/{customerId}/entitlements", body);
        return (string)(await response.AssertOkAsync())["id"]!;
    }

    /// <summary>Presigns an upload for <paramref name="release"/> and PUTs <paramref name="bytes"/> to it; returns the artifact id and object key.</summary>
    public static async Task<(string Id, string ObjectKey)> UploadArtifactAsync(
        this ReleasyApiFactory api, Release release, byte[] bytes, string platform = "linux", string filename = "app.tar.gz")
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(release);
        var presign = await (await api.CreateAdminClient().PostJsonAsync(
            $"/v1/releases/{release.Id}/artifacts/presign", new { filename, platform })).AssertOkAsync();
        var (storage, uri) = api.StorageClient((string)presign["upload_url"]!);
        (await storage.PutAsync(uri, new ByteArrayContent(bytes))).EnsureSuccessStatusCode();
        return ((string)presign["artifact_id"]!, (string)presign["object_key"]!);
    }

    /// <summary>Uploads <paramref name="bytes"/> and registers them as an artifact of <paramref name="release"/>.</summary>
    public static async Task<(string Id, string ObjectKey)> CreateArtifactAsync(
        this ReleasyApiFactory api, Release release, byte[] bytes, string platform = "linux", string filename = "app.tar.gz")
    {
        var (id, objectKey) = await api.UploadArtifactAsync(release, bytes, platform, filename);
        await (await api.CreateAdminClient().PostJsonAsync($"/v1/releases/{release.Id}/artifacts", new
        {
            artifact_id = id, platform, object_key = objectKey, checksum = Sha256Hex(bytes), size = bytes.Length,
        })).AssertOkAsync();
        return (id, objectKey);
    }

    /// <summary>
    /// The audit events <paramref name="act"/> wrote, oldest first. Events are written behind the response, so this
    /// waits for the API's own audit writer before (earlier requests' events are not <paramref name="act"/>'s) and
    /// after.
    /// </summary>
    public static async Task<List<AuditEvent>> AuditEventsWrittenByAsync(ReleasyApiFactory api, Func<Task> act)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(act);
        await api.FlushAuditAsync();
        await using var db = api.Database.CreateContext();
        var before = await db.AuditEvents.Select(e => e.Id).ToListAsync();
        await act();
        await api.FlushAuditAsync();
        var events = await db.AuditEvents.AsNoTracking().Where(e => !before.Contains(e.Id)).ToListAsync();
        return events.OrderBy(e => e.CreatedAt).ToList();
    }

    /// <summary>Waits until the API has written every audit event queued so far (bounded: a stuck writer fails the test).</summary>
    public static Task FlushAuditAsync(this ReleasyApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.Services.GetRequiredService<AuditQueue>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Writes the key uses recorded so far to <c>last_used_at</c>, through the API's own writer.</summary>
    public static Task<int> FlushKeyUsageAsync(this ReleasyApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.Services.GetRequiredService<KeyUsageWriter>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Rows written straight to the database stand in for an operator's write through this API, which retires its
    /// read caches at once; without that, a cached read would hide the change until the fake clock moved.
    /// </summary>
    public static void RetireCaches(this ReleasyApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.Services.GetRequiredService<CacheEpoch>().Invalidate();
    }

    private static async Task AddAsync(ReleasyApiFactory api, object row)
    {
        await using var db = api.Database.CreateContext();
        db.Add(row);
        await db.SaveChangesAsync();
        api.RetireCaches();
    }
}
