using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Releasy.Api.Auth;
using Releasy.Api.Data.Entities;
using Releasy.Api.Options;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>Rows the artifact and download tests need, written straight to the database.</summary>
public static class ArtifactTestData
{
    public static string NewProduct() => "prod-" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<string> SeedCustomerAsync(this ReleasyApiFactory api, bool suspended = false)
    {
        await using var db = api.Database.CreateContext();
        var customer = new Customer
        {
            Id = Guid.NewGuid().ToString(),
            Name = "Customer " + Guid.NewGuid().ToString("N")[..8],
            CreatedAt = api.Now,
            SuspendedAt = suspended ? api.Now : null,
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer.Id;
    }

    /// <summary>An API key for the customer; returns the secret.</summary>
    public static async Task<string> SeedApiKeyAsync(this ReleasyApiFactory api, string customerId, params string[] scopes)
    {
        var secret = SecretHasher.NewApiKey();
        var hasher = new SecretHasher(api.Services.GetRequiredService<ReleasySettings>());
        await using var db = api.Database.CreateContext();
        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            KeyHash = hasher.HashApiKey(secret),
            KeyPrefix = SecretHasher.LookupPrefix(secret),
            KeyType = "ci",
            Scopes = JsonSerializer.Serialize(scopes.Length == 0 ? Scopes.All : scopes),
            CreatedAt = api.Now,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public static async Task<string> SeedEntitlementAsync(this ReleasyApiFactory api, string customerId, string product, long startsAt, long? endsAt = null)
    {
        await using var db = api.Database.CreateContext();
        var entitlement = new Entitlement
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            Product = product,
            StartsAt = startsAt,
            EndsAt = endsAt,
        };
        db.Entitlements.Add(entitlement);
        await db.SaveChangesAsync();
        return entitlement.Id;
    }

    public static async Task<Release> SeedReleaseAsync(this ReleasyApiFactory api, string? product = null, string version = "1.0.0", bool published = false)
    {
        await using var db = api.Database.CreateContext();
        var release = new Release
        {
            Id = Guid.NewGuid().ToString(),
            Product = product ?? NewProduct(),
            Version = version,
            Status = published ? Release.Published : Release.Draft,
            CreatedAt = api.Now,
            PublishedAt = published ? api.Now : null,
        };
        db.Releases.Add(release);
        await db.SaveChangesAsync();
        return release;
    }

    /// <summary>Publishes (or unpublishes) in the database: the publish endpoint lives on another branch.</summary>
    public static async Task SetPublishedAsync(this ReleasyApiFactory api, string releaseId, bool published = true)
    {
        await using var db = api.Database.CreateContext();
        var release = await db.Releases.SingleAsync(r => r.Id == releaseId);
        release.Status = published ? Release.Published : Release.Draft;
        release.PublishedAt = published ? api.Now : null;
        await db.SaveChangesAsync();
    }

    /// <summary>An artifact row without any stored object (enough for issuing tokens).</summary>
    public static async Task<Artifact> SeedArtifactAsync(this ReleasyApiFactory api, Release release, string platform = "linux-amd64")
    {
        var id = Guid.NewGuid().ToString();
        await using var db = api.Database.CreateContext();
        var artifact = new Artifact
        {
            Id = id,
            ReleaseId = release.Id,
            ObjectKey = $"releases/{release.Product}/{release.Version}/{platform}/{id}/app.tar.gz",
            Checksum = new string('a', 64),
            Size = 3,
            Platform = platform,
            CreatedAt = api.Now,
        };
        db.Artifacts.Add(artifact);
        await db.SaveChangesAsync();
        return artifact;
    }

    /// <summary>A customer entitled to <paramref name="product"/> since an hour ago, with an API key.</summary>
    public static async Task<(string CustomerId, string ApiKey)> SeedEntitledCustomerAsync(this ReleasyApiFactory api, string product)
    {
        var customerId = await api.SeedCustomerAsync();
        await api.SeedEntitlementAsync(customerId, product, api.Now - 3600);
        return (customerId, await api.SeedApiKeyAsync(customerId));
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// A client for a storage URL: the in-process API for the embedded store's URLs (which start with the public
    /// base URL), a plain HttpClient for anything else (s3rver). Returns the client and the request URI to use.
    /// </summary>
    public static (HttpClient Client, Uri Uri) StorageClient(this ReleasyApiFactory api, string url)
    {
        var uri = new Uri(url);
        return uri.Host == "downloads.example.test"
            ? (api.CreateClient(), new Uri(uri.PathAndQuery, UriKind.Relative))
            : (new HttpClient(), uri);
    }
}
