using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Releasy.Api.Auth;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// Rows written straight into the test's database, for state that no endpoint under test creates
/// (or that another endpoint group owns). Timestamps default to the factory's fake clock.
/// </summary>
public static class TestData
{
    /// <summary>A product name no other test uses.</summary>
    public static string UniqueProduct(string prefix = "product") => $"{prefix}-{Guid.NewGuid():N}";

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

    public static async Task<Release> SeedReleaseAsync(
        this ReleasyApiFactory api, string product, string version = "1.0.0", string status = Release.Draft, long? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var created = createdAt ?? api.Now;
        var release = new Release
        {
            Id = Guid.NewGuid().ToString(),
            Product = product,
            Version = version,
            Status = status,
            CreatedAt = created,
            PublishedAt = status == Release.Published ? created : null,
        };
        await AddAsync(api, release);
        return release;
    }

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
            Checksum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
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

    private static async Task AddAsync(ReleasyApiFactory api, object row)
    {
        await using var db = api.Database.CreateContext();
        db.Add(row);
        await db.SaveChangesAsync();
    }
}
