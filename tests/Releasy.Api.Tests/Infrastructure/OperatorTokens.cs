using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Releasy.Api.Auth;
using Releasy.Api.Http;

namespace Releasy.Api.Tests.Infrastructure;

/// <summary>
/// Operators with a chosen role, without a JWKS: JWT auth is switched on and the validator is replaced by
/// one that reads the role from the token's last segment (<c>test.operator.release_publisher</c>).
/// Role mapping itself is tested with the real validator; this is for endpoints' role checks.
/// </summary>
public static class OperatorTokens
{
    public static WebApplicationFactory<Program> WithRoleTokens(this ReleasyApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return api.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("RELEASY_OPERATOR_JWKS_URL", "http://127.0.0.1:9/unused-jwks.json");
            builder.ConfigureTestServices(services =>
                services.Replace(ServiceDescriptor.Singleton<IOperatorJwtValidator, RoleTokenValidator>()));
        });
    }

    public static HttpClient CreateOperatorClient(this WebApplicationFactory<Program> factory, string role)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Authorization", $"Bearer test.operator.{role}");
        return client;
    }

    private sealed class RoleTokenValidator : IOperatorJwtValidator
    {
        public Task<OperatorAuthResult> ValidateAsync(string token, CancellationToken ct) =>
            Task.FromResult(token.Split('.')[^1] switch
            {
                "platform_admin" => OperatorAuthResult.Success(OperatorRole.PlatformAdmin),
                "platform_support" => OperatorAuthResult.Success(OperatorRole.PlatformSupport),
                "release_publisher" => OperatorAuthResult.Success(OperatorRole.ReleasePublisher),
                _ => OperatorAuthResult.Failure(ApiError.Forbidden("missing operator role")),
            });
    }
}
