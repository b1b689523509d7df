namespace Releasy.Api.Auth.Jwt;

/// <summary>
/// The JWKS request's timing (contract 2.4): 8 s per attempt, one retry after 200 ms. Not a contract
/// setting; bound from <c>Releasy:Jwks</c> only so tests can shorten the real-time waits.
/// </summary>
public sealed class JwksHttpOptions
{
    public const string Section = "Releasy:Jwks";

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A JWK set is a few kilobytes; anything near this is not one.</summary>
    public long MaxResponseBytes { get; set; } = 1024 * 1024;
}
