using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Releasy.Api.Tests.Jwt;

/// <summary>An operator-JWT API plus one customer API key holding every scope.</summary>
public sealed class MatrixFixture() : JwtFixtureBase(null)
{
    public string CustomerKey { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        CustomerKey = await Env.CreateCustomerKeyAsync();
    }
}

/// <summary>
/// Contract 2.5/2.6 with §0.1 (B7): every route × every kind of caller. The role check runs right after
/// authentication, before any other validation, so a valid-shaped body and ids that do not exist are enough:
/// "pass" means the caller got past authentication and the role/scope check (any status but 401/403),
/// a denial is the exact 403. A customer key is ignored on operator routes and operator credentials on
/// API-key routes, so both are a 401 there.
/// </summary>
public sealed class PermissionMatrixTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    private const string Pass = "pass";
    private const string Unauthorized = "401 unauthorized";
    private const string AdminRequired = "403 admin role required";
    private const string SupportRequired = "403 platform_support role required";
    private const string PublisherRequired = "403 release_publisher role required";
    private const string NoRole = "403 missing operator role";

    /// <summary>The columns of <see cref="Table"/>.</summary>
    private static readonly string[] Callers =
        ["platform_admin", "platform_support", "release_publisher", "platform_support+release_publisher", "no role", "admin key", "customer key"];

    private static readonly (string Route, string[] Outcomes)[] Table =
    [
        // route                                                        admin  support          publisher          support+publisher  no role  admin key  customer key
        ("POST /v1/admin/customers",                                    [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("GET /v1/admin/customers",                                     [Pass, Pass,            SupportRequired,   Pass,              NoRole,  Pass,      Unauthorized]),
        ("GET /v1/admin/customers/{id}",                                [Pass, Pass,            SupportRequired,   Pass,              NoRole,  Pass,      Unauthorized]),
        ("PATCH /v1/admin/customers/{id}",                              [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("POST /v1/admin/keys",                                         [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("POST /v1/admin/keys/revoke",                                  [Pass, Pass,            SupportRequired,   Pass,              NoRole,  Pass,      Unauthorized]),
        ("GET /v1/admin/customers/{id}/entitlements",                   [Pass, Pass,            SupportRequired,   Pass,              NoRole,  Pass,      Unauthorized]),
        ("POST /v1/admin/customers/{id}/entitlements",                  [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("PATCH /v1/admin/customers/{id}/entitlements/{eid}",           [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("DELETE /v1/admin/customers/{id}/entitlements/{eid}",          [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("GET /v1/admin/audit-events",                                  [Pass, Pass,            SupportRequired,   Pass,              NoRole,  Pass,      Unauthorized]),
        ("POST /v1/releases",                                           [Pass, PublisherRequired, Pass,            Pass,              NoRole,  Pass,      Unauthorized]),
        ("GET /v1/releases",                                            [Pass, Pass,            Pass,              Pass,              NoRole,  Pass,      Pass]),
        ("POST /v1/releases/{id}/publish",                              [Pass, PublisherRequired, Pass,            Pass,              NoRole,  Pass,      Unauthorized]),
        ("POST /v1/releases/{id}/unpublish",                            [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("DELETE /v1/releases/{id}",                                    [Pass, AdminRequired,   AdminRequired,     AdminRequired,     NoRole,  Pass,      Unauthorized]),
        ("POST /v1/releases/{id}/artifacts/presign",                    [Pass, PublisherRequired, Pass,            Pass,              NoRole,  Pass,      Unauthorized]),
        ("POST /v1/releases/{id}/artifacts",                            [Pass, PublisherRequired, Pass,            Pass,              NoRole,  Pass,      Unauthorized]),
        ("POST /v1/auth/introspect",                                    [Unauthorized, Unauthorized, Unauthorized, Unauthorized,    Unauthorized, Unauthorized, Pass]),
        ("POST /v1/downloads/token",                                    [Unauthorized, Unauthorized, Unauthorized, Unauthorized,    Unauthorized, Unauthorized, Pass]),
        ("GET /v1/downloads/{token}",                                   [Pass, Pass,            Pass,              Pass,              Pass,    Pass,      Pass]),
        ("GET /health",                                                 [Pass, Pass,            Pass,              Pass,              Pass,    Pass,      Pass]),
        ("GET /ready",                                                  [Pass, Pass,            Pass,              Pass,              Pass,    Pass,      Pass]),
        ("GET /live",                                                   [Pass, Pass,            Pass,              Pass,              Pass,    Pass,      Pass]),
        ("GET /openapi.json",                                           [Pass, Pass,            Pass,              Pass,              Pass,    Pass,      Pass]),
    ];

    private readonly JwtEnvironment _env = fixture.Env;

    public static TheoryData<string, string, string> Cells
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (route, outcomes) in Table)
            {
                for (var i = 0; i < Callers.Length; i++)
                {
                    data.Add(route, Callers[i], outcomes[i]);
                }
            }

            return data;
        }
    }

    [Fact]
    public void The_table_has_one_outcome_per_caller_and_covers_every_route_of_the_contract_once()
    {
        Assert.All(Table, row => Assert.Equal(Callers.Length, row.Outcomes.Length));
        Assert.Equal(25, Table.Select(row => row.Route).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_caller_gets_the_contracts_answer_on_each_route(string route, string caller, string expected)
    {
        var response = await _env.Api.CreateClient().SendAsync(Request(route, caller));

        var body = await response.Content.ReadAsStringAsync();
        var message = response.Content.Headers.ContentType?.MediaType == "application/json" && body.StartsWith("{\"error\"", StringComparison.Ordinal)
            ? (string?)JsonNode.Parse(body)!["error"]!["message"] : null;
        Assert.False(response.StatusCode == HttpStatusCode.NotFound && message == "not found", $"{route} is not mapped on this branch yet");
        if (expected == Pass)
        {
            Assert.True(
                response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                && message is not ("operator jwks unavailable" or "operator jwks request timed out" or "admin api key not configured"),
                $"{caller} should get past the checks of {route}, got {(int)response.StatusCode}: {body}");
            return;
        }

        var status = expected.StartsWith("401", StringComparison.Ordinal) ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
        await response.AssertErrorAsync(status, status == HttpStatusCode.Unauthorized ? "unauthorized" : "forbidden", expected[4..]);
    }

    private HttpRequestMessage Request(string route, string caller)
    {
        var (method, template) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var path = template
            .Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{eid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{token}", "releasy_dl_" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (Body(route) is { } json)
        {
            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        switch (caller)
        {
            case "admin key": request.Headers.Add("x-releasy-admin-key", ReleasyApiFactory.AdminKey); break;
            case "customer key": request.Headers.Add("x-releasy-api-key", fixture.CustomerKey); break;
            case "no role": request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _env.Token()); break;
            default: request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _env.Token(caller.Split('+'))); break;
        }

        return request;
    }

    /// <summary>A minimal body of the right shape (a wrong one would be refused before authentication).</summary>
    private static JsonObject? Body(string route)
    {
        var unique = Guid.NewGuid().ToString();
        return route switch
        {
            "POST /v1/admin/customers" => new JsonObject { ["name"] = "matrix-" + unique },
            "PATCH /v1/admin/customers/{id}" => new JsonObject { ["name"] = "matrix" },
            "POST /v1/admin/keys" => new JsonObject { ["customer_id"] = unique },
            "POST /v1/admin/keys/revoke" => new JsonObject { ["api_key_id"] = unique },
            "POST /v1/admin/customers/{id}/entitlements" => new JsonObject { ["product"] = "matrix", ["starts_at"] = 1 },
            "PATCH /v1/admin/customers/{id}/entitlements/{eid}" => [],
            "POST /v1/releases" => new JsonObject { ["product"] = "matrix-" + unique, ["version"] = "1.0.0" },
            "POST /v1/releases/{id}/artifacts/presign" => new JsonObject { ["filename"] = "matrix.tar.gz", ["platform"] = "linux-x86_64" },
            "POST /v1/releases/{id}/artifacts" => new JsonObject
            {
                ["artifact_id"] = unique,
                ["platform"] = "linux-x86_64",
                ["object_key"] = $"releases/matrix/1.0.0/linux-x86_64/{unique}/matrix.tar.gz",
                ["checksum"] = new string('a', 64),
                ["size"] = 1,
            },
            "POST /v1/downloads/token" => new JsonObject { ["artifact_id"] = unique },
            _ => null,
        };
    }
}
