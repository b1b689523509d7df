using Microsoft.AspNetCore.Routing.Patterns;

namespace Releasy.Api.Http;

public static class ErrorHandlingExtensions
{
    public static IServiceCollection AddApiErrorHandling(this IServiceCollection services)
    {
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        return services;
    }

    /// <summary>
    /// Every error, the web server's own included, answers in the contract's envelope: unknown routes
    /// (404), wrong methods (405, with <c>Allow</c>), and exceptions.
    /// </summary>
    public static WebApplication UseApiErrorHandling(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
        {
            var response = context.HttpContext.Response;
            var message = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => "not found",
                StatusCodes.Status405MethodNotAllowed => "method not allowed",
                _ => "request failed",
            };
            return ApiError.ForStatus(response.StatusCode, message).ExecuteAsync(context.HttpContext);
        });
        return app;
    }

    /// <summary>
    /// The contract's routing is stricter than ASP.NET Core's: no trailing slash, case-sensitive literals.
    /// A request that only matched through that leniency is treated as an unknown route.
    /// </summary>
    public static WebApplication UseStrictRouting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is RouteEndpoint endpoint && !MatchesExactly(endpoint.RoutePattern, context.Request.Path))
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool MatchesExactly(RoutePattern pattern, PathString path)
    {
        var value = path.Value ?? string.Empty;
        if (value.Length > 1 && value.EndsWith('/'))
        {
            return false;
        }

        var segments = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != pattern.PathSegments.Count)
        {
            return true; // Catch-all patterns: nothing literal to compare.
        }

        for (var i = 0; i < segments.Length; i++)
        {
            var parts = pattern.PathSegments[i].Parts;
            if (parts is [RoutePatternLiteralPart literal] && !string.Equals(literal.Content, segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
