using System.Security.Cryptography;
using System.Text;
using Releasy.Api.Http;
using Releasy.Api.Options;

namespace Releasy.Api.Auth;

/// <summary>
/// Who an operator is, decided exactly as contract 2.2 orders it, with §0.1's change: an
/// <c>x-releasy-admin-key</c> header, when present, decides whatever the Authorization header holds.
/// </summary>
public sealed class OperatorAuthenticator(ReleasySettings settings, IServiceProvider services)
{
    private const string BearerPrefix = "Bearer ";
    private readonly byte[]? _adminKeyHash = settings.Releasy.AdminApiKey is { } key ? Sha256(key) : null;

    public async Task<OperatorAuthResult> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = Credentials.Read(request, Credentials.AdminKeyHeader);
        var bearer = ReadBearer(request);
        var jwt = bearer is not null && IsJwtShaped(bearer);

        // A JWT-shaped bearer counts as an admin key only when it is the admin key.
        var candidate = header ?? (bearer is not null && (!jwt || IsAdminKey(bearer)) ? bearer : null);

        if (_adminKeyHash is not null && candidate is not null)
        {
            return IsAdminKey(candidate)
                ? OperatorAuthResult.Success(OperatorRole.PlatformAdmin)
                : OperatorAuthResult.Failure(ApiError.Unauthorized());
        }

        if (jwt && settings.Operator.Enabled)
        {
            return await services.GetRequiredService<IOperatorJwtValidator>().ValidateAsync(bearer!, ct);
        }

        // §0.1 (B11): with JWT auth on, a missing admin key is not a server fault for the caller.
        return _adminKeyHash is null && !settings.Operator.Enabled
            ? OperatorAuthResult.Failure(ApiError.ServiceUnavailable("admin api key not configured"))
            : OperatorAuthResult.Failure(ApiError.Unauthorized());
    }

    /// <summary>"JWT-shaped" means exactly two dots.</summary>
    public static bool IsJwtShaped(string value) => value.Count(c => c == '.') == 2;

    private static string? ReadBearer(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count == 0 || values[0]?.Trim() is not { } raw || !Credentials.IsVisibleAscii(raw)
            || !raw.StartsWith(BearerPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var token = raw[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Constant time: both sides are hashed to the same length first.</summary>
    private bool IsAdminKey(string presented) =>
        _adminKeyHash is not null && CryptographicOperations.FixedTimeEquals(Sha256(presented), _adminKeyHash);

    private static byte[] Sha256(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
