using Microsoft.Extensions.Options;

namespace Releasy.Api.Auth.Jwt;

public static class OperatorJwtServiceExtensions
{
    /// <summary>
    /// Operator JWT verification: the JWKS client, its cache and the validator <see cref="OperatorAuthenticator"/>
    /// calls. The JWKS client drops the standard resilience handler that ServiceDefaults gives every client:
    /// the contract fixes its own timeout and retry (<see cref="JwksFetcher"/>).
    /// </summary>
    public static IServiceCollection AddOperatorJwt(this IServiceCollection services)
    {
        services.AddOptions<JwksHttpOptions>().BindConfiguration(JwksHttpOptions.Section);
        var client = services.AddHttpClient(JwksFetcher.ClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // per attempt, in JwksFetcher
                client.MaxResponseContentBufferSize =
                    sp.GetRequiredService<IOptions<JwksHttpOptions>>().Value.MaxResponseBytes;
            });
        // Marked experimental (EXTEXP0001) in Microsoft.Extensions.Http.Resilience 10.11; it is the supported way to
        // take one client out of ConfigureHttpClientDefaults' AddStandardResilienceHandler. A test pins that a 5xx
        // is tried exactly twice, so a change in its behaviour shows.
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<JwksFetcher>();
        services.AddSingleton<JwksCache>();
        services.AddSingleton<IOperatorJwtValidator, JwtOperatorValidator>();
        return services;
    }
}
