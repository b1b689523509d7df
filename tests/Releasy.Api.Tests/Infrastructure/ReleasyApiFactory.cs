using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// The real API, in process, over a real database, with a clock the test moves by hand.
/// </summary>
public sealed class ReleasyApiFactory(
    TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";

    /// <summary>The configured <c>RELEASY_PUBLIC_BASE_URL</c>: links to the embedded store start with it.</summary>
    public const string PublicBaseUrl = "https://downloads.example.test";

    /// <summary>Where every factory's clock starts: a fixed time, so tests never depend on the machine's clock.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public TestDatabase Database => database;

    public long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:releasydb", database.ConnectionString);
        builder.UseSetting("RELEASY_ADMIN_API_KEY", AdminKey);
        builder.UseSetting("RELEASY_PUBLIC_BASE_URL", PublicBaseUrl);
        // Disposing a factory stops its host: with the fake clock a drain would never end. Drain tests set their own.
        builder.UseSetting(ShutdownDrainOptions.DrainVariable, "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            services?.Invoke(s);
        });
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", AdminKey);
        return client;
    }

    public HttpClient CreateApiKeyClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-releasy-api-key", apiKey);
        return client;
    }

    /// <summary>
    /// A client for a storage URL: this in-process API for the embedded store's URLs (which start with the public
    /// base URL), a plain HttpClient for anything else (s3rver). Returns the client and the request URI to use.
    /// </summary>
    public (HttpClient Client, Uri Uri) StorageClient(string url)
    {
        var uri = new Uri(url);
        return url.StartsWith(PublicBaseUrl + "/", StringComparison.Ordinal)
            ? (CreateClient(), new Uri(uri.PathAndQuery, UriKind.Relative))
            : (new HttpClient(), uri);
    }
}
