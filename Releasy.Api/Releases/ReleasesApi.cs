using System.Data.Common;
using Releasy.Api.Auth;
using Releasy.Api.Data;
using Releasy.Api.Data.Entities;
using Releasy.Api.Entitlements;
using Releasy.Api.Http;
using Releasy.Api.Idempotency;
using Releasy.Api.Storage;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Releases;

/// <summary>Releases (contract 3.6). Artifacts of a release have their own group.</summary>
public static partial class ReleasesApi
{
    private const string LogCategory = "Releasy.Api.Releases";
    // What TypedResults.Json sends, for the customer page that arrives already serialised.
    private const string JsonContentType = "application/json; charset=utf-8";

    public static RouteGroupBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/releases").WithTags("Releases");
        group.MapPost("", CreateRelease).RequireOperator(RoleCheck.Publisher);
        group.MapGet("", ListReleases).RequireOperatorOrApiKey(RoleCheck.Any, Scopes.ReleasesRead);
        group.MapPost("/{releaseId}/publish", PublishRelease).RequireOperator(RoleCheck.Publisher);
        group.MapPost("/{releaseId}/unpublish", UnpublishRelease).RequireOperator(RoleCheck.Admin);
        group.MapDelete("/{releaseId}", DeleteRelease).RequireOperator(RoleCheck.Admin);
        return group;
    }

    public static Task<IResult> CreateRelease(
        JsonBody<CreateReleaseRequest> body, HttpRequest request, ReleasyDbContext db, IdempotencyService idempotency,
        TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var input = body.Value;
        var logger = loggers.CreateLogger(LogCategory);
        var fingerprint = CanonicalJson.Fingerprint("", ("product", input.Product), ("version", input.Version));
        return idempotency.RunAsync(request, "create_release", fingerprint, async () =>
        {
            var product = input.Product.Trim();
            if (product.Length == 0)
            {
                return (Outcome<ReleaseView>)ApiError.BadRequest("product is required");
            }

            var version = input.Version.Trim();
            if (version.Length == 0)
            {
                return ApiError.BadRequest("version is required");
            }

            var release = new Release
            {
                Id = Guid.NewGuid().ToString(),
                Product = product,
                Version = version,
                Status = Release.Draft,
                CreatedAt = clock.GetUtcNow().ToUnixTimeSeconds(),
            };
            db.Releases.Add(release);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                // Covers concurrent creates too: the unique index decides, not a prior read.
                db.ChangeTracker.Clear();
                return ApiError.Conflict("release already exists");
            }
            catch (Exception ex) when (ex is DbUpdateException or DbException)
            {
                db.ChangeTracker.Clear();
                LogFailure(logger, ex, "create", release.Id);
                return ApiError.Internal("failed to create release");
            }

            LogCreated(logger, release.Id, release.Product, release.Version);
            return ReleaseView.From(release);
        }, ct);
    }

    public static async Task<IResult> ListReleases(
        ReleaseListQuery query, HttpContext http, ReleasyDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var customer = AuthEndpointExtensions.OperatorRoleOf(http) is null ? ApiKeyPrincipal.Get(http) : null;
        if (query.Status is { } status)
        {
            if (status is not (Release.Draft or Release.Published))
            {
                return ApiError.BadRequest("invalid status");
            }

            if (customer is not null && status == Release.Draft)
            {
                return ApiError.BadRequest("status must be published");
            }
        }

        if (query.Paging.Validate(out var limit, out var offset) is { } pagingError)
        {
            return pagingError;
        }

        if (customer is not null)
        {
            return await ListForCustomerAsync(query, customer, db, http.RequestServices, clock, limit, offset, ct);
        }

        List<ReleaseView> page;
        try
        {
            page = await ReleaseQueries.PageAsync(ReleaseQueries.ForOperator(db, query), limit, offset, ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to list releases");
        }

        if (query.IncludeArtifacts)
        {
            try
            {
                page = await ReleaseQueries.WithArtifactsAsync(db, page, ct);
            }
            catch (DbException)
            {
                return ApiError.Internal("failed to list artifacts");
            }
        }

        return TypedResults.Json(new ReleaseList(page, limit, offset), ReleasyJson.Options);
    }

    /// <summary>
    /// The customer view, on the hot path: the entitled products at <c>now</c> from the cached entitlement windows,
    /// then the cached page of their published releases.
    /// </summary>
    private static async Task<IResult> ListForCustomerAsync(
        ReleaseListQuery query, ApiKeyPrincipal customer, ReleasyDbContext db, IServiceProvider services, TimeProvider clock,
        int limit, long offset, CancellationToken ct)
    {
        List<string> entitled;
        try
        {
            entitled = await services.GetRequiredService<EntitlementWindowCache>()
                .ActiveProductsAsync(db, customer.CustomerId, clock.GetUtcNow().ToUnixTimeSeconds(), ct);
        }
        catch (DbException)
        {
            return ApiError.Internal("failed to list entitlements");
        }

        if (ReleaseQueries.VisibleProducts(query, entitled) is not { } products)
        {
            return TypedResults.Json(new ReleaseList([], limit, offset), ReleasyJson.Options);
        }

        var result = await services.GetRequiredService<CustomerReleasePages>()
            .GetAsync(db, products, query.Version, query.IncludeArtifacts, limit, offset, ct);
        return result.Error is { } error
            ? ApiError.Internal(error)
            : TypedResults.Bytes(result.Json!, JsonContentType);
    }

    public static Task<IResult> PublishRelease(
        string releaseId, ReleasyDbContext db, TimeProvider clock, ReleasyMetrics metrics, ILoggerFactory loggers, CancellationToken ct) =>
        TransitionAsync(releaseId, publish: true, db, clock, metrics, loggers.CreateLogger(LogCategory), ct);

    public static Task<IResult> UnpublishRelease(
        string releaseId, ReleasyDbContext db, TimeProvider clock, ReleasyMetrics metrics, ILoggerFactory loggers, CancellationToken ct) =>
        TransitionAsync(releaseId, publish: false, db, clock, metrics, loggers.CreateLogger(LogCategory), ct);

    /// <summary>
    /// Deletes the release; the database cascades to its artifacts and their download tokens (contract 3.6.4).
    /// The stored objects go afterwards, best-effort: a storage failure only leaves an orphaned object (logged).
    /// </summary>
    public static async Task<IResult> DeleteRelease(
        string releaseId, ReleasyDbContext db, ArtifactStorage storage, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(LogCategory);
        List<string> objectKeys;
        int deleted;
        try
        {
            objectKeys = await db.Artifacts.AsNoTracking().Where(a => a.ReleaseId == releaseId).Select(a => a.ObjectKey).ToListAsync(ct);
            deleted = await db.Releases.Where(r => r.Id == releaseId).ExecuteDeleteAsync(ct);
        }
        catch (DbException ex)
        {
            LogFailure(logger, ex, "delete", releaseId);
            return ApiError.Internal("failed to delete release");
        }

        if (deleted == 0)
        {
            return ApiError.NotFound("release not found");
        }

        LogDeleted(logger, releaseId);
        // The row is gone: finish the clean-up even if the client hangs up now.
        await storage.DeleteObjectsBestEffortAsync(objectKeys, CancellationToken.None);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Publish or unpublish as a compare-and-set on the status just read: a concurrent change makes the
    /// update touch no row, and the caller is told to retry (contract 3.6.3, 5).
    /// </summary>
    private static async Task<IResult> TransitionAsync(
        string releaseId, bool publish, ReleasyDbContext db, TimeProvider clock, ReleasyMetrics metrics, ILogger logger,
        CancellationToken ct)
    {
        Release? release;
        try
        {
            release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId, ct);
        }
        catch (DbException ex)
        {
            LogFailure(logger, ex, "get", releaseId);
            return ApiError.Internal("failed to get release");
        }

        if (release is null)
        {
            return ApiError.NotFound("release not found");
        }

        var current = release.Status;
        switch (current, publish)
        {
            case (not (Release.Draft or Release.Published), _):
                return ApiError.Internal("invalid status");
            case (Release.Published, true):
                return ApiError.BadRequest("release already published");
            case (Release.Draft, false):
                return ApiError.BadRequest("release already draft");
        }

        var status = publish ? Release.Published : Release.Draft;
        long? publishedAt = publish ? clock.GetUtcNow().ToUnixTimeSeconds() : null;
        int updated;
        try
        {
            updated = await db.Releases
                .Where(r => r.Id == releaseId && r.Status == current)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.PublishedAt, publishedAt), ct);
        }
        catch (DbException ex)
        {
            LogFailure(logger, ex, "update", releaseId);
            return ApiError.Internal("failed to update release status");
        }

        if (updated == 0)
        {
            return ApiError.Conflict("release status changed, retry");
        }

        LogTransition(logger, releaseId, status);
        if (publish)
        {
            metrics.ReleasePublished();
        }

        return TypedResults.Json(ReleaseView.From(release) with { Status = status, PublishedAt = publishedAt }, ReleasyJson.Options);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} created for {Product} {Version}")]
    private static partial void LogCreated(ILogger logger, string releaseId, string product, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} is now {Status}")]
    private static partial void LogTransition(ILogger logger, string releaseId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} deleted")]
    private static partial void LogDeleted(ILogger logger, string releaseId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Release {Operation} failed for {ReleaseId}")]
    private static partial void LogFailure(ILogger logger, Exception exception, string operation, string releaseId);
}
