namespace Releasy.Api.Auth;

/// <summary>
/// Verifies an operator JWT against the configured JWKS (contract 2.4) and maps its claims to a role.
/// Only called when a JWKS URL is configured and the bearer value is JWT-shaped.
/// </summary>
public interface IOperatorJwtValidator
{
    Task<OperatorAuthResult> ValidateAsync(string token, CancellationToken ct);
}
