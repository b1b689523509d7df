using System.Data.Common;
using System.Text.Json;
using Releasy.Api.Auth;
using Releasy.Api.Customers;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;

namespace Releasy.Api.ApiKeys;

/// <summary>Customer API key administration (contract 3.3) and introspection (3.4).</summary>
public static partial class ApiKeysApi
{
    private const long MaxExpiresAt = 10_000_000_000;
    private static readonly string[] KeyTypes = ["human", "ci", "integration"];

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/keys").WithTags("ApiKeys");
        group.MapPost("", CreateApiKey).RequireOperator(RoleCheck.Admin);
        group.MapPost("/revoke", RevokeApiKey).RequireOperator(RoleCheck.Support);
        app.MapPost("/v1/auth/introspect", Introspect).WithTags("ApiKeys").RequireApiKey(Scopes.KeysRead);
        return group;
    }

    public static async Task<IResult> CreateApiKey(
        JsonBody<CreateApiKeyRequest> body, HttpRequest request, ReleasyDbContext db, SecretHasher hasher,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        // Not idempotent: a well-formed key is refused, a malformed one gets its own 400 first.
        var (idempotencyKey, headerError) = IdempotencyService.ReadKey(request);
        if (headerError is not null || idempotencyKey is not null)
        {
            return headerError ?? ApiError.BadRequest("idempotency-key not supported for admin key creation");
        }

        var input = body.Value;
        var (customerId, customerError) = await CustomerLookup.FindAsync(input.CustomerId, db, ct);
        if (customerError is not null)
        {
            return customerError;
        }

        if (NormalizeScopes(input.Scopes, out var scopes) is { } scopesError)
        {
            return scopesError;
        }

        if (NormalizeKeyType(input.KeyType, out var keyType) is { } keyTypeError)
        {
            return keyTypeError;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (input.ExpiresAt is { } expiresAt)
        {
            if (expiresAt is < 0 or > MaxExpiresAt)
            {
                return ApiError.BadRequest("expires_at must be a unix timestamp in seconds");
            }

            if (expiresAt <= now)
            {
                return ApiError.BadRequest("expires_at must be in the future");
            }
        }

        // Argon2id costs tens of milliseconds: only once every field is valid.
        var secret = SecretHasher.NewApiKey();
        var key = new ApiKey
        {
            Id = Guid.NewGuid().ToString(),
            CustomerId = customerId,
            KeyHash = hasher.HashApiKey(secret),
            KeyPrefix = SecretHasher.LookupPrefix(secret),
            Name = input.Name,
            KeyType = keyType,
            Scopes = JsonSerializer.Serialize(scopes, ReleasyJson.Options),
            ExpiresAt = input.ExpiresAt,
            CreatedAt = now,
        };
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return ApiError.Internal("failed to create api key");
        }

        var logger = loggers.CreateLogger(typeof(ApiKeysApi));
        LogCreated(logger, key.Id, key.KeyPrefix, customerId);
        return TypedResults.Json(
            new CreatedApiKey(key.Id, secret, customerId, keyType, scopes, key.ExpiresAt), ReleasyJson.Options);
    }

    public static async Task<IResult> RevokeApiKey(
        JsonBody<RevokeApiKeyRequest> body, ReleasyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var id = body.Value.ApiKeyId.Trim();
        if (id.Length == 0)
        {
            return ApiError.BadRequest("api_key_id is required");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        int revoked;
        try
        {
            // Conditional, so a second revocation (or a race) does not move revoked_at.
            revoked = await db.ApiKeys
                .Where(k => k.Id == id && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to revoke api key");
        }

        return revoked == 0
            ? ApiError.NotFound("api key not found or already revoked")
            : TypedResults.Json(new RevokedApiKey(id), ReleasyJson.Options);
    }

    public static IResult Introspect(HttpContext context)
    {
        var key = ApiKeyPrincipal.Get(context);
        return TypedResults.Json(
            new IntrospectionResponse(true, key.ApiKeyId, key.CustomerId, key.KeyType, key.Scopes, key.ExpiresAt),
            ReleasyJson.Options);
    }

    /// <summary>Absent: every scope. Otherwise trimmed, blanks dropped, first occurrence kept, all known.</summary>
    private static ApiError? NormalizeScopes(IReadOnlyList<string>? requested, out List<string> scopes)
    {
        if (requested is null)
        {
            scopes = [.. Scopes.All];
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        scopes = requested.Select(s => s.Trim()).Where(s => s.Length > 0 && seen.Add(s)).ToList();
        if (scopes.Count == 0)
        {
            return ApiError.BadRequest("scopes must not be empty");
        }

        return scopes.TrueForAll(Scopes.All.Contains) ? null : ApiError.BadRequest("invalid scope");
    }

    private static ApiError? NormalizeKeyType(string? requested, out string keyType)
    {
        keyType = requested?.Trim().ToLowerInvariant() ?? "human";
        if (keyType.Length == 0)
        {
            return ApiError.BadRequest("key_type is required");
        }

        return KeyTypes.Contains(keyType) ? null : ApiError.BadRequest("invalid key_type");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {ApiKeyId} ({KeyPrefix}) created for customer {CustomerId}")]
    private static partial void LogCreated(ILogger logger, string apiKeyId, string keyPrefix, string customerId);
}
