using Microsoft.AspNetCore.Http.Features;
using Releasy.Api.Http;

namespace Releasy.Api.Storage;

/// <summary>
/// The embedded store's presigned URLs (contract §0.6). Without <c>RELEASY_ARTIFACT_DIR</c> these routes answer 404.
/// A bad or expired signature is a 403 in the JSON envelope, and nothing is stored.
/// </summary>
public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        const string pattern = EmbeddedArtifactStore.RoutePrefix + "{**key}";
        app.MapPut(pattern, UploadObject).WithTags("Storage").ExcludeFromDescription();
        app.MapGet(pattern, DownloadObject).WithTags("Storage").ExcludeFromDescription(); // HEAD: Program maps every route with AnswerHeadOnGet
        return app;
    }

    public static async Task<IResult> UploadObject(string key, HttpContext context, ArtifactStorage storage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (storage.Store is not EmbeddedArtifactStore store)
        {
            return ApiError.NotFound("not found");
        }

        if (Check(store, HttpMethods.Put, key, context.Request) is { } denied)
        {
            return denied;
        }

        if (store.ObjectPath(key) is null)
        {
            return ApiError.NotFound("object not found");
        }

        // Artifacts are as large as they are: no body limit here, and the body is streamed to disk.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        try
        {
            await store.ReceiveAsync(key, context.Request.Body, ct);
        }
        catch (ArtifactStoreException)
        {
            return ApiError.Internal("failed to store object");
        }

        return TypedResults.Ok();
    }

    public static IResult DownloadObject(string key, HttpContext context, ArtifactStorage storage)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (storage.Store is not EmbeddedArtifactStore store)
        {
            return ApiError.NotFound("not found");
        }

        // HEAD uses the GET signature, as a client probing a download link would expect.
        if (Check(store, HttpMethods.Get, key, context.Request) is { } denied)
        {
            return denied;
        }

        if (store.ObjectPath(key) is not { } path || !File.Exists(path))
        {
            return ApiError.NotFound("object not found");
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.PhysicalFile(path, "application/octet-stream", fileDownloadName: Path.GetFileName(path),
            enableRangeProcessing: true);
    }

    private static ApiError? Check(EmbeddedArtifactStore store, string method, string key, HttpRequest request)
    {
        var expires = request.Query["expires"];
        var signature = request.Query["signature"];
        var check = store.Verify(method, key,
            expires.Count == 1 ? expires[0] : null, signature.Count == 1 ? signature[0] : null);
        return check switch
        {
            EmbeddedArtifactStore.SignatureCheck.Valid => null,
            EmbeddedArtifactStore.SignatureCheck.Expired => ApiError.Forbidden("storage url expired"),
            _ => ApiError.Forbidden("invalid storage signature"),
        };
    }
}
