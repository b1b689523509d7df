using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Releasy.Api.Tests.Jwt;

/// <summary>
/// A JWKS server on loopback, a database, and the API configured to verify operator JWTs against that JWKS
/// (issuer, audience and resource set). Keys: <see cref="Rsa"/> and <see cref="Ec"/> are published.
/// </summary>
public sealed class JwtEnvironment : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private JwtEnvironment(TestDatabase database, JwksServer jwks, ReleasyApiFactory api, TestRsaKey rsa, TestEcKey ec)
    {
        _database = database;
        Jwks = jwks;
        Api = api;
        Rsa = rsa;
        Ec = ec;
    }

    public JwksServer Jwks { get; }

    public ReleasyApiFactory Api { get; }

    public TestRsaKey Rsa { get; }

    public TestEcKey Ec { get; }

    public long Now => Api.Now;

    /// <summary>Starts everything; <paramref name="settings"/> adds to or overrides the JWT settings.</summary>
    public static async Task<JwtEnvironment> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var rsa = new TestRsaKey("rsa-" + Guid.NewGuid().ToString("N")[..8]);
        var ec = new TestEcKey("ec-" + Guid.NewGuid().ToString("N")[..8]);
        var jwks = await JwksServer.StartAsync(rsa, ec);
        var all = new Dictionary<string, string?>
        {
            ["RELEASY_OPERATOR_JWKS_URL"] = jwks.Url,
            ["RELEASY_OPERATOR_ISSUER"] = TestTokens.Issuer,
            ["RELEASY_OPERATOR_AUDIENCE"] = TestTokens.Audience,
            ["RELEASY_OPERATOR_RESOURCE"] = TestTokens.Resource,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var database = await TestDatabase.CreateAsync();
        var api = new ReleasyApiFactory(database, all);
        _ = api.Server;
        return new JwtEnvironment(database, jwks, api, rsa, ec);
    }

    /// <summary>A valid RS256 token from the published RSA key holding <paramref name="roles"/>.</summary>
    public string Token(params string[] roles) => TestTokens.Sign(Rsa, TestTokens.Claims(Now, roles));

    public JsonObject Claims(params string[] roles) => TestTokens.Claims(Now, roles);

    public HttpClient Bearer(string token)
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A customer with an API key holding every scope, written straight to the database.</summary>
    public async Task<string> CreateCustomerKeyAsync() => (await Api.SeedCustomerWithKeyAsync()).ApiKey;

    /// <summary>Sends <c>POST /v1/admin/customers</c> with a fresh name, for checking who may create one.</summary>
    public static Task<HttpResponseMessage> PostCustomerAsync(HttpClient client) =>
        client.PostJsonAsync("/v1/admin/customers", new { name = "jwt-" + Guid.NewGuid() });

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Jwks.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>One environment shared by a test class whose tests do not depend on the JWKS cache's state.</summary>
public abstract class JwtFixtureBase(IReadOnlyDictionary<string, string?>? settings) : IAsyncLifetime
{
    private JwtEnvironment? _environment;

    public JwtEnvironment Env => _environment ?? throw new InvalidOperationException("Fixture not initialised.");

    public virtual async Task InitializeAsync() => _environment = await JwtEnvironment.StartAsync(settings);

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}

/// <summary>Issuer, audience and resource configured; no leeway.</summary>
public sealed class JwtFixture() : JwtFixtureBase(null);

/// <summary>No issuer, audience or resource; a 30 s leeway.</summary>
public sealed class LooseJwtFixture() : JwtFixtureBase(new Dictionary<string, string?>
{
    ["RELEASY_OPERATOR_ISSUER"] = "",
    ["RELEASY_OPERATOR_AUDIENCE"] = "",
    ["RELEASY_OPERATOR_RESOURCE"] = "",
    ["RELEASY_OPERATOR_JWT_LEEWAY_SECONDS"] = "30",
});

/// <summary>JWT auth on, no admin key (contract §0.1, B11).</summary>
public sealed class NoAdminKeyJwtFixture() : JwtFixtureBase(new Dictionary<string, string?>
{
    ["RELEASY_ADMIN_API_KEY"] = "",
});
