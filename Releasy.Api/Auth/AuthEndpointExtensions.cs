using Releasy.Api.Caching;
using Releasy.Api.Http;

namespace Releasy.Api.Auth;

/// <summary>
/// Authentication runs as an endpoint filter, after the body and query are bound: the contract reports a
/// malformed request before it checks credentials (1.3, 1.4).
/// </summary>
public static class AuthEndpointExtensions
{
    private const string RoleItem = "releasy.operator_role";

    /// <summary>
    /// Operator endpoints. After an operator write (any method but GET and HEAD) has run, this instance's read caches
    /// are retired, so revocation, suspension, unpublish and entitlement changes apply to its next customer request
    /// (other instances follow within the caches' lifetime).
    /// </summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder, RoleCheck check)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await AuthenticateOperatorAsync(http, check) is { } error)
            {
                return error;
            }

            try
            {
                return await next(context);
            }
            finally
            {
                if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                {
                    http.RequestServices.GetRequiredService<CacheEpoch>().Invalidate();
                }
            }
        });

    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            await AuthenticateApiKeyAsync(context.HttpContext, scope) ?? await next(context));

    /// <summary>
    /// A usable <c>x-releasy-api-key</c> makes the request a customer's, whatever else it carries
    /// (contract 3.6.2); otherwise it is an operator's.
    /// </summary>
    public static TBuilder RequireOperatorOrApiKey<TBuilder>(this TBuilder builder, RoleCheck check, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var error = Credentials.Read(http.Request, Credentials.ApiKeyHeader) is not null
                ? await AuthenticateApiKeyAsync(http, scope)
                : await AuthenticateOperatorAsync(http, check);
            return error ?? await next(context);
        });

    /// <summary>The authenticated operator's (highest) role, or null when the caller is a customer.</summary>
    public static OperatorRole? OperatorRoleOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[RoleItem] as OperatorRole?;
    }

    private static async Task<ApiError?> AuthenticateOperatorAsync(HttpContext http, RoleCheck check)
    {
        var authenticator = http.RequestServices.GetRequiredService<OperatorAuthenticator>();
        var result = await authenticator.AuthenticateAsync(http.Request, http.RequestAborted);
        if (result.Error is { } error)
        {
            return error;
        }

        if (check.Authorize(result.Granted) is { } denied)
        {
            return denied;
        }

        http.Items[RoleItem] = result.Role!.Value;
        return null;
    }

    private static async Task<ApiError?> AuthenticateApiKeyAsync(HttpContext http, string scope)
    {
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        var presented = Credentials.Read(http.Request, Credentials.ApiKeyHeader);
        var result = await authenticator.AuthenticateAsync(presented, http.RequestAborted);
        if (result.Error is { } error)
        {
            return error;
        }

        var principal = result.Principal!;
        if (!principal.Scopes.Contains(scope))
        {
            return ApiError.Forbidden("missing scope");
        }

        principal.AttachTo(http);
        return null;
    }
}
