using System.Text.Json.Nodes;

namespace Releasy.Api.Tests;

/// <summary><c>GET /openapi.json</c> describes every route of contract 1.1 (contract 3.1).</summary>
public sealed class OpenApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>Contract 1.1, in its order.</summary>
    public static TheoryData<string, string> Routes => new()
    {
        { "get", "/health" },
        { "get", "/ready" },
        { "get", "/live" },
        { "get", "/openapi.json" },
        { "post", "/v1/admin/customers" },
        { "get", "/v1/admin/customers" },
        { "get", "/v1/admin/customers/{customer_id}" },
        { "patch", "/v1/admin/customers/{customer_id}" },
        { "post", "/v1/admin/keys" },
        { "post", "/v1/admin/keys/revoke" },
        { "post", "/v1/auth/introspect" },
        { "get", "/v1/admin/customers/{customer_id}/entitlements" },
        { "post", "/v1/admin/customers/{customer_id}/entitlements" },
        { "patch", "/v1/admin/customers/{customer_id}/entitlements/{entitlement_id}" },
        { "delete", "/v1/admin/customers/{customer_id}/entitlements/{entitlement_id}" },
        { "post", "/v1/releases" },
        { "get", "/v1/releases" },
        { "post", "/v1/releases/{release_id}/publish" },
        { "post", "/v1/releases/{release_id}/unpublish" },
        { "delete", "/v1/releases/{release_id}" },
        { "post", "/v1/releases/{release_id}/artifacts/presign" },
        { "post", "/v1/releases/{release_id}/artifacts" },
        { "post", "/v1/downloads/token" },
        { "get", "/v1/downloads/{token}" },
        { "get", "/v1/admin/audit-events" },
    };

    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [Fact]
    public async Task Document_is_openapi_3_1_json_served_without_credentials()
    {
        var response = await fixture.Api.CreateClient().GetAsync("/openapi.json");

        var document = await response.AssertOkAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3.1.0", (string?)document["openapi"]);
        Assert.Equal("Releasy API", (string?)document["info"]!["title"]);
        Assert.Equal("0.3.0", (string?)document["info"]!["version"]);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_contract_route_is_described(string method, string path)
    {
        var document = await DocumentAsync();

        var operation = document["paths"]?[path]?[method]?.AsObject();

        Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is missing");
        Assert.NotNull(operation["operationId"]);
        Assert.NotEmpty(operation["responses"]!.AsObject());
    }

    [Fact]
    public async Task Document_describes_exactly_the_contract_routes()
    {
        var document = await DocumentAsync();

        var described = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(o => HttpMethods.Contains(o.Key)).Select(o => (o.Key, p.Key)))
            .Order()
            .ToList();

        Assert.Equal(Routes.Select(r => ((string)r[0], (string)r[1])).Order(), described);
    }

    [Fact]
    public async Task Security_schemes_are_the_three_credential_kinds()
    {
        var schemes = (await DocumentAsync())["components"]!["securitySchemes"]!;

        Assert.Equal(["admin_key", "api_key", "operator_jwt"], schemes.AsObject().Select(s => s.Key).Order());
        Assert.Equal(("apiKey", "header", "x-releasy-admin-key"), Scheme(schemes["admin_key"]));
        Assert.Equal(("apiKey", "header", "x-releasy-api-key"), Scheme(schemes["api_key"]));
        Assert.Equal("http", (string?)schemes["operator_jwt"]!["type"]);
        Assert.Equal("bearer", (string?)schemes["operator_jwt"]!["scheme"]);
        Assert.Equal("JWT", (string?)schemes["operator_jwt"]!["bearerFormat"]);
    }

    [Fact]
    public async Task Release_listing_accepts_operators_and_api_keys_and_meta_routes_need_nothing()
    {
        var paths = (await DocumentAsync())["paths"]!;

        var listing = paths["/v1/releases"]!["get"]!["security"]!.AsArray().SelectMany(s => s!.AsObject().Select(p => p.Key)).Order();

        Assert.Equal(["admin_key", "api_key", "operator_jwt"], listing);
        Assert.Empty(paths["/health"]!["get"]!["security"]!.AsArray());
        Assert.Empty(paths["/v1/downloads/{token}"]!["get"]!["security"]!.AsArray());
    }

    [Fact]
    public async Task Error_envelope_is_a_schema_and_every_reference_resolves()
    {
        var document = await DocumentAsync();

        var envelope = document["components"]!["schemas"]!["ErrorResponse"]!;
        var references = new List<string>();
        CollectReferences(document, references);

        Assert.Equal(["error"], envelope["required"]!.AsArray().Select(n => (string)n!));
        Assert.NotEmpty(references);
        Assert.All(references, reference =>
        {
            JsonNode? target = document;
            foreach (var segment in reference.TrimStart('#', '/').Split('/'))
            {
                target = target?[segment];
            }

            Assert.True(target is not null, $"Unresolved {reference}");
        });
    }

    private async Task<JsonObject> DocumentAsync() =>
        await (await fixture.Api.CreateClient().GetAsync("/openapi.json")).AssertOkAsync();

    private static (string?, string?, string?) Scheme(JsonNode? scheme) =>
        ((string?)scheme!["type"], (string?)scheme["in"], (string?)scheme["name"]);

    private static void CollectReferences(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == "$ref")
                    {
                        references.Add((string)value!);
                    }
                    else
                    {
                        CollectReferences(value, references);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectReferences(item, references);
                }

                break;
        }
    }
}
