using System.Data.Common;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;
using Releasy.Api.Options;
using Releasy.Api.Storage;

namespace Releasy.Api.Artifacts;

/// <summary>Artifact upload presigning and registration (contract 3.7, §0.7).</summary>
public static partial class ArtifactsApi
{
    public static RouteGroupBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/releases/{releaseId}/artifacts").WithTags("Artifacts");
        group.MapPost("/presign", PresignUpload).RequireOperator(RoleCheck.Publisher);
        group.MapPost("", RegisterArtifact).RequireOperator(RoleCheck.Publisher);
        return group;
    }

    public static Task<IResult> PresignUpload(
        string releaseId, JsonBody<PresignArtifactRequest> body, HttpRequest request, ReleasyDbContext db,
        IdempotencyService idempotency, ArtifactStorage storage, ReleasySettings settings, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var input = body.Value;
        var fingerprint = CanonicalJson.Fingerprint(releaseId, ("filename", input.Filename), ("platform", input.Platform));
        return idempotency.RunAsync(request, "presign_release_artifact_upload", fingerprint, async () =>
        {
            if (storage.Store is not { } store)
            {
                return (Outcome<PresignedUpload>)ApiError.ServiceUnavailable(ArtifactStorage.NotConfiguredMessage);
            }

            var (release, lookupError) = await FindReleaseAsync(db, releaseId, ct);
            if (release is null)
            {
                return lookupError!;
            }

            var filename = input.Filename.Trim();
            if (filename.Length == 0)
            {
                return ApiError.BadRequest("filename is required");
            }

            var platform = input.Platform.Trim();
            if (platform.Length == 0)
            {
                return ApiError.BadRequest("platform is required");
            }

            var artifactId = Guid.NewGuid().ToString();
            if (ObjectKeys.TryBuildPrefix(release.Product, release.Version, platform, artifactId, out var prefix) is { } keyError)
            {
                return keyError;
            }

            if (ObjectKeys.TryNormalize("filename", filename, out var normalizedFilename) is { } filenameError)
            {
                return filenameError;
            }

            var objectKey = prefix + normalizedFilename;
            var lifetime = settings.Artifacts.PresignExpiresSeconds;
            string url;
            try
            {
                url = store.PresignUpload(objectKey, lifetime);
            }
            catch (ArtifactStoreException ex)
            {
                LogPresignFailed(loggers.CreateLogger(typeof(ArtifactsApi)), ex, release.Id);
                return ApiError.Internal("failed to presign upload");
            }

            return new PresignedUpload(artifactId, objectKey, url, clock.GetUtcNow().ToUnixTimeSeconds() + lifetime);
        }, ct);
    }

    public static Task<IResult> RegisterArtifact(
        string releaseId, JsonBody<RegisterArtifactRequest> body, HttpRequest request, ReleasyDbContext db,
        IdempotencyService idempotency, ArtifactStorage storage, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var input = body.Value;
        var fingerprint = CanonicalJson.Fingerprint(releaseId, ("artifact_id", input.ArtifactId), ("object_key", input.ObjectKey),
            ("checksum", input.Checksum), ("size", input.Size), ("platform", input.Platform));
        return idempotency.RunAsync(request, "register_release_artifact", fingerprint, async () =>
        {
            if (storage.Store is not { } store)
            {
                return (Outcome<ArtifactView>)ApiError.ServiceUnavailable(ArtifactStorage.NotConfiguredMessage);
            }

            var (release, lookupError) = await FindReleaseAsync(db, releaseId, ct);
            if (release is null)
            {
                return lookupError!;
            }

            if (Validate(input, out var artifactId) is { } invalid)
            {
                return invalid;
            }

            var artifact = new Artifact
            {
                Id = artifactId,
                ReleaseId = release.Id,
                ObjectKey = input.ObjectKey.Trim(),
                Checksum = input.Checksum.Trim().ToLowerInvariant(),
                Size = input.Size,
                Platform = input.Platform.Trim(),
                CreatedAt = clock.GetUtcNow().ToUnixTimeSeconds(),
            };
            if (ObjectKeys.TryBuildPrefix(release.Product, release.Version, artifact.Platform, artifact.Id, out var prefix) is { } keyError)
            {
                return keyError;
            }

            if (!artifact.ObjectKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ApiError.BadRequest("object_key does not match release or platform");
            }

            if (await PromoteStoredObjectAsync(store, artifact, loggers.CreateLogger(typeof(ArtifactsApi)), ct) is { } mismatch)
            {
                return mismatch;
            }

            db.Artifacts.Add(artifact);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation()) // Same artifact id, or same object key within the release.
            {
                return ApiError.Conflict("artifact already exists");
            }
            catch (DbUpdateException)
            {
                return ApiError.Internal("failed to register artifact");
            }

            return ArtifactView.From(artifact);
        }, ct);
    }

    /// <summary>The field rules of contract 3.7.3, in table order.</summary>
    private static ApiError? Validate(RegisterArtifactRequest input, out string artifactId)
    {
        if (ArtifactIds.Parse(input.ArtifactId, out artifactId) is { } idError)
        {
            return idError;
        }

        if (input.Platform.Trim().Length == 0)
        {
            return ApiError.BadRequest("platform is required");
        }

        if (input.ObjectKey.Trim().Length == 0)
        {
            return ApiError.BadRequest("object_key is required");
        }

        var checksum = input.Checksum.Trim();
        if (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigit))
        {
            return ApiError.BadRequest("checksum must be a 64 character hex string");
        }

        return input.Size <= 0 ? ApiError.BadRequest("size must be positive") : null;
    }

    /// <summary>
    /// §0.7 and §0.8: the uploaded object must exist with the declared size, and the declared checksum where the
    /// store knows it; it is then moved to the object key, where no upload URL can reach it any more.
    /// </summary>
    private static async Task<ApiError?> PromoteStoredObjectAsync(IArtifactStore store, Artifact artifact, ILogger logger, CancellationToken ct)
    {
        PromotionResult result;
        try
        {
            result = await store.PromoteAsync(artifact.ObjectKey, artifact.Size, artifact.Checksum, ct);
        }
        catch (ArtifactStoreException ex)
        {
            LogStatFailed(logger, ex, artifact.Id);
            return ApiError.Internal("failed to check artifact object");
        }

        return result switch
        {
            PromotionResult.Promoted => null,
            PromotionResult.NotFound => ApiError.BadRequest("artifact object not found in storage"),
            PromotionResult.SizeMismatch => ApiError.BadRequest("size does not match stored object"),
            _ => ApiError.BadRequest("checksum does not match stored object"),
        };
    }

    private static async Task<(Release? Release, ApiError? Error)> FindReleaseAsync(ReleasyDbContext db, string releaseId, CancellationToken ct)
    {
        try
        {
            var release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId, ct);
            return release is null ? (null, ApiError.NotFound("release not found")) : (release, null);
        }
        catch (DbException)
        {
            return (null, ApiError.Internal("failed to get release"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Presigning an upload for release {ReleaseId} failed")]
    private static partial void LogPresignFailed(ILogger logger, Exception exception, string releaseId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the stored object of artifact {ArtifactId} failed")]
    private static partial void LogStatFailed(ILogger logger, Exception exception, string artifactId);
}
