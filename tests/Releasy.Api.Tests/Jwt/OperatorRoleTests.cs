using System.Text.Json.Nodes;
using Releasy.Api.Auth;

namespace Releasy.Api.Tests.Jwt;

/// <summary>
/// Contract 2.4 step 10–11 with §0.1 (B7): roles come from three places, and a token holding several gets
/// the union of their permissions. Admin-only: POST customers; support: GET customers.
/// </summary>
public sealed class OperatorRoleTests(JwtFixture fixture) : IClassFixture<JwtFixture>
{
    private const string SupportPath = "/v1/admin/customers?limit=1";
    private readonly JwtEnvironment _env = fixture.Env;

    [Fact]
    public async Task Realm_access_roles_as_a_single_string_grant_platform_support()
    {
        var claims = _env.Claims();
        claims["realm_access"] = new JsonObject { ["roles"] = "platform_support" };
        var client = _env.Bearer(TestTokens.Sign(_env.Rsa, claims));

        await (await client.GetAsync(SupportPath)).AssertOkAsync();
        await (await JwtEnvironment.PostCustomerAsync(client)).AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "admin role required");
    }

    [Fact]
    public async Task Resource_access_roles_of_the_configured_resource_grant_platform_admin()
    {
        var claims = _env.Claims();
        claims["resource_access"] = new JsonObject { [TestTokens.Resource] = new JsonObject { ["roles"] = new JsonArray("platform_admin") } };

        await (await JwtEnvironment.PostCustomerAsync(_env.Bearer(TestTokens.Sign(_env.Rsa, claims)))).AssertOkAsync();
    }

    [Fact]
    public async Task Resource_access_roles_of_another_client_are_ignored()
    {
        var claims = _env.Claims();
        claims["resource_access"] = new JsonObject { ["account"] = new JsonObject { ["roles"] = new JsonArray("platform_admin") } };

        var response = await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing operator role");
    }

    [Fact]
    public async Task Non_string_role_entries_are_ignored_and_the_strings_still_count()
    {
        var claims = _env.Claims();
        claims["roles"] = new JsonArray(1, null, new JsonObject { ["name"] = "platform_admin" }, new JsonArray("platform_admin"), "platform_support");
        var client = _env.Bearer(TestTokens.Sign(_env.Rsa, claims));

        await (await client.GetAsync(SupportPath)).AssertOkAsync();
        await (await JwtEnvironment.PostCustomerAsync(client)).AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "admin role required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Platform_Admin")]
    [InlineData("admin,operator,platform-support")]
    public async Task A_valid_token_without_an_operator_role_gets_403_missing_operator_role(string roles)
    {
        var response = await _env.Bearer(_env.Token(roles.Split(',', StringSplitOptions.RemoveEmptyEntries))).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "missing operator role");
    }

    [Fact]
    public async Task An_invalid_token_without_a_role_is_401_not_403()
    {
        var claims = _env.Claims();
        claims["exp"] = _env.Now - 1;

        var response = await _env.Bearer(TestTokens.Sign(_env.Rsa, claims)).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
    }

    [Fact]
    public async Task A_publisher_is_denied_support_endpoints()
    {
        var response = await _env.Bearer(_env.Token("release_publisher")).GetAsync(SupportPath);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "platform_support role required");
    }

    [Fact]
    public async Task Roles_from_all_three_places_are_merged_and_support_plus_publisher_keeps_support_rights()
    {
        var claims = _env.Claims("release_publisher");
        claims["realm_access"] = new JsonObject { ["roles"] = new JsonArray("platform_support") };
        var client = _env.Bearer(TestTokens.Sign(_env.Rsa, claims));

        await (await client.GetAsync(SupportPath)).AssertOkAsync();
        await (await JwtEnvironment.PostCustomerAsync(client)).AssertErrorAsync(HttpStatusCode.Forbidden, "forbidden", "admin role required");
    }

    [Theory]
    [InlineData(RoleCheck.Publisher, new[] { OperatorRole.PlatformSupport, OperatorRole.ReleasePublisher }, null)]
    [InlineData(RoleCheck.Support, new[] { OperatorRole.PlatformSupport, OperatorRole.ReleasePublisher }, null)]
    [InlineData(RoleCheck.Admin, new[] { OperatorRole.PlatformSupport, OperatorRole.ReleasePublisher }, "admin role required")]
    [InlineData(RoleCheck.Publisher, new[] { OperatorRole.PlatformSupport }, "release_publisher role required")]
    [InlineData(RoleCheck.Support, new[] { OperatorRole.ReleasePublisher }, "platform_support role required")]
    [InlineData(RoleCheck.Admin, new[] { OperatorRole.PlatformAdmin }, null)]
    [InlineData(RoleCheck.Any, new[] { OperatorRole.ReleasePublisher }, null)]
    public void Merged_roles_pass_a_check_when_any_of_them_passes_it(RoleCheck check, OperatorRole[] roles, string? denied)
    {
        var result = OperatorAuthResult.Success(roles.ToHashSet());

        Assert.Equal(roles.Min(), result.Role);
        Assert.Equal(denied, check.Authorize(result.Granted)?.Message);
    }
}
