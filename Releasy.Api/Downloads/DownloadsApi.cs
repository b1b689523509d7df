using System.Data.Common;
using Microsoft.AspNetCore.Routing.Patterns;
using Releasy.Api.Artifacts;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;
using Releasy.Api.Options;
using Releasy.Api.Storage;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Downloads;

/// <summary>Download tokens: issue (contract 3.8.1) and resolve to a presigned GET (3.8.2).</summary>
public static partial class DownloadsApi
{
    public static IEndpointRouteBuilder MapDownloadsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/downloads/token", IssueToken).WithTags("Downloads").RequireApiKey(Scopes.DownloadsToken);

        // The literal wins: GET /v1/downloads/token is a 405, never a lookup of the token "token".
        var resolve = RoutePatternFactory.Parse("/v1/downloads/{token}", defaults: null,
            parameterPolicies: new RouteValueDictionary { ["token"] = new ExceptLiteralConstraint("token") });
        app.Map(resolve, ResolveToken).WithTags("Downloads").WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return app;
    }

    public static async Task<IResult> IssueToken(
        JsonBody<DownloadTokenRequest> body, HttpContext context, ReleasyDbContext db, DownloadQueries queries,
        IdempotencyService idempotency, SecretHasher hasher, ReleasySettings settings, ReleasyMetrics metrics, TimeProvider clock,
        CancellationToken ct)
    {
        var input = body.Value;
        var customerId = ApiKeyPrincipal.Get(context).CustomerId;
        if (ArtifactIds.Parse(input.ArtifactId, out var artifactId) is { } idError)
        {
            return idError;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        DownloadQueries.IssueCheck? artifact;
        try
        {
            artifact = await queries.IssueCheckAsync(db, artifactId, customerId, now, ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to lookup artifact");
        }

        if (artifact is null)
        {
            return ApiError.NotFound("artifact not found");
        }

        if (artifact.ReleaseStatus is null)
        {
            return ApiError.NotFound("release not found");
        }

        if (!artifact.Published)
        {
            return ApiError.Forbidden("release not published");
        }

        if (!artifact.Entitled)
        {
            return ApiError.Forbidden("entitlement required");
        }

        var fingerprint = CanonicalJson.Fingerprint(customerId,
            ("artifact_id", input.ArtifactId), ("purpose", input.Purpose), ("expires_in_seconds", input.ExpiresInSeconds));
        return await idempotency.RunAsync(context.Request, "create_download_token", fingerprint, async () =>
        {
            var max = settings.Releasy.DownloadTokenTtlSeconds;
            var ttl = input.ExpiresInSeconds ?? max;
            if (ttl == 0)
            {
                return (Outcome<IssuedDownloadToken>)ApiError.BadRequest("expires_in_seconds must be positive");
            }

            if (ttl > max)
            {
                return ApiError.BadRequest($"expires_in_seconds must be <= {max}");
            }

            var token = SecretHasher.NewDownloadToken();
            var row = new DownloadToken
            {
                TokenHash = hasher.Sha256Hex(token),
                ArtifactId = artifact.ArtifactId,
                CustomerId = customerId,
                Purpose = RequestText.TrimToNull(input.Purpose),
                ExpiresAt = now + ttl,
                CreatedAt = now,
            };
            db.DownloadTokens.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return ApiError.Internal("failed to create download token");
            }

            metrics.DownloadTokenIssued();

            // Built from the configured base only: Host and X-Forwarded-* never shape a link.
            return new IssuedDownloadToken(settings.Releasy.PublicBaseUrl + "/v1/downloads/" + token, row.ExpiresAt);
        }, ct);
    }

    public static async Task<IResult> ResolveToken(
        string token, HttpContext context, ReleasyDbContext db, DownloadQueries queries, SecretHasher hasher, ArtifactStorage storage,
        ReleasyMetrics metrics, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var presented = token.Trim();
        if (presented.Length == 0)
        {
            return ApiError.BadRequest("token is required");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var hash = hasher.Sha256Hex(presented);
        DownloadQueries.Redemption? row;
        try
        {
            using var span = ReleasyActivities.Source.StartActivity("authenticate download token");
            row = await queries.RedemptionAsync(db, hash, now, ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to lookup download token");
        }

        if (Refusal(row, now) is { } refusal)
        {
            return refusal;
        }

        var found = row!;
        if (storage.Store is not { } store)
        {
            return ApiError.ServiceUnavailable(ArtifactStorage.NotConfiguredMessage);
        }

        string location;
        try
        {
            // The link dies with the token: it lives exactly the token's remaining lifetime.
            using var presign = ReleasyActivities.Source.StartActivity("presign download");
            location = store.PresignDownload(found.ObjectKey!, found.ExpiresAt - now);
        }
        catch (ArtifactStoreException ex)
        {
            LogPresignFailed(loggers.CreateLogger(typeof(DownloadsApi)), ex, found.ArtifactId);
            return ApiError.Internal("failed to presign download");
        }

        context.Response.Headers.CacheControl = "no-store";
        metrics.DownloadRedirected();
        return new StorageRedirect(location);
    }

    /// <summary>
    /// The 404s of contract 3.8.2 in its order: token unknown, customer missing or suspended (a suspended customer's
    /// tokens stop working at once), expired, artifact missing, release missing, release unpublished or not entitled.
    /// </summary>
    private static ApiError? Refusal(DownloadQueries.Redemption? row, long now)
    {
        if (row is null || !row.CustomerActive)
        {
            return ApiError.NotFound("download token not found");
        }

        if (row.ExpiresAt <= now)
        {
            return ApiError.NotFound("download token expired");
        }

        using var span = ReleasyActivities.Source.StartActivity("check entitlement")?.SetTag("releasy.artifact_id", row.ArtifactId);
        return row.ObjectKey is null ? ApiError.NotFound("artifact not found")
            : row.ReleaseStatus is null ? ApiError.NotFound("release not found")
            : row.ReleaseStatus != Release.Published || !row.Entitled ? ApiError.NotFound("release not available")
            : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Presigning the download of artifact {ArtifactId} failed")]
    private static partial void LogPresignFailed(ILogger logger, Exception exception, string artifactId);
}
