using Microsoft.AspNetCore.Routing.Matching;

namespace Releasy.Api.Downloads;

/// <summary>
/// A route parameter that matches anything but one literal. Because the matcher asks it at build time
/// (<see cref="IParameterLiteralNodeMatchingPolicy"/>), a request for the literal sees only the literal's
/// routes, so a method mismatch there is a 405 rather than a fall-through to the parameter route.
/// </summary>
public sealed class ExceptLiteralConstraint(string excluded) : IRouteConstraint, IParameterLiteralNodeMatchingPolicy
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        return !string.Equals(values[routeKey]?.ToString(), excluded, StringComparison.Ordinal);
    }

    public bool MatchesLiteral(string parameterName, string literal) => !string.Equals(literal, excluded, StringComparison.Ordinal);
}
