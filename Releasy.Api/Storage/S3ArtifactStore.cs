using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;
using Releasy.Api.Options;

namespace Releasy.Api.Storage;

/// <summary>
/// An S3-compatible bucket (AWS, MinIO, s3rver…). Presigned URLs are SigV4 query-string URLs that sign only
/// <c>host</c>, so a plain <c>curl -X PUT --data-binary @file</c> works whatever content type it sends.
/// </summary>
/// <remarks>
/// Upload URLs write <c>staging/&lt;key&gt;</c>; downloads read <c>&lt;key&gt;</c>, which only registration writes
/// (a server-side copy of the checked upload, never over an existing object). Contract keys all start with
/// <c>releases/</c>, so the two never meet. A bucket lifecycle rule on <c>staging/</c> can expire uploads that
/// were never registered.
/// </remarks>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>Where upload URLs put the bytes until registration promotes them.</summary>
    public const string StagingPrefix = "staging/";

    private const int PromotionAttempts = 3;

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly Protocol _protocol;

    public S3ArtifactStore(ArtifactStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bucket = options.Bucket ?? throw new ArgumentException("S3 storage needs a bucket.", nameof(options));
        var region = options.Region!;

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            AuthenticationRegion = region,
            UseHttp = false,
            // Plain PUTs over http would otherwise store the aws-chunked framing as data (s3rver).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            // The endpoint's scheme defaults to https; the region is then only the signing region.
            config.ServiceURL = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "https://" + endpoint;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        _protocol = config.ServiceURL is { } url && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Protocol.HTTP
            : Protocol.HTTPS;
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        // The SDK's first presign loads its signer and endpoint rules, which can take over a second on a busy
        // machine: pay that here, not between computing an expiry and signing it.
        Presign("warm-up", HttpVerb.GET, 60);
    }

    public string PresignUpload(string key, long lifetimeSeconds) => Presign(StagingPrefix + key, HttpVerb.PUT, lifetimeSeconds);

    public string PresignDownload(string key, long lifetimeSeconds) => Presign(key, HttpVerb.GET, lifetimeSeconds);

    public async Task<StoredObject?> StatAsync(string key, CancellationToken ct)
    {
        try
        {
            // A plain presigned PUT carries no checksum, so S3 cannot tell the SHA-256 of the whole object.
            return await HeadAsync(key, ct) is { } metadata ? new StoredObject(metadata.ContentLength, null) : null;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ArtifactStoreException("object metadata lookup failed", ex);
        }
    }

    public async Task<PromotionResult> PromoteAsync(string key, long size, string sha256, CancellationToken ct)
    {
        try
        {
            for (var attempt = 0; attempt < PromotionAttempts; attempt++)
            {
                if (await HeadAsync(key, ct) is { } existing)
                {
                    return new StoredObject(existing.ContentLength, null).Check(size, sha256); // Never replaced.
                }

                if (await HeadAsync(StagingPrefix + key, ct) is not { } staged)
                {
                    return PromotionResult.NotFound;
                }

                if (staged.ContentLength != size)
                {
                    return PromotionResult.SizeMismatch;
                }

                if (await CopyStagedAsync(key, staged.ETag, ct))
                {
                    return await FinishPromotionAsync(key, size, ct);
                }
            }

            throw new ArtifactStoreException("the staged upload kept changing during promotion");
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ArtifactStoreException("object promotion failed", ex);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, ct);
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = StagingPrefix + key }, ct);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ArtifactStoreException("object delete failed", ex);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Copies the staged upload to the key if it still has <paramref name="etag"/>; false when it changed meanwhile.</summary>
    private async Task<bool> CopyStagedAsync(string key, string etag, CancellationToken ct)
    {
        try
        {
            var request = new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = StagingPrefix + key,
                DestinationBucket = _bucket,
                DestinationKey = key,
                ETagToMatch = etag,
            };
            // The SDK escapes every '/' of the copy source; some S3-compatible servers (s3rver) then look for a
            // bucket named after the whole value. S3 accepts the slashes as they are, with each segment escaped.
            var source = _bucket + "/" + string.Join('/', request.SourceKey.Split('/').Select(Uri.EscapeDataString));
            ((IAmazonWebServiceRequest)request).AddBeforeRequestHandler((_, e) =>
            {
                if (e is WebServiceRequestEventArgs args)
                {
                    args.Headers["x-amz-copy-source"] = source;
                }
            });
            await _client.CopyObjectAsync(request, ct);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks what landed (a server that ignores the copy condition may have copied a newer upload) and removes
    /// the staged copy.
    /// </summary>
    private async Task<PromotionResult> FinishPromotionAsync(string key, long size, CancellationToken ct)
    {
        if ((await HeadAsync(key, ct))?.ContentLength != size)
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, ct);
            return PromotionResult.SizeMismatch;
        }

        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = StagingPrefix + key }, ct);
        return PromotionResult.Promoted;
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private string Presign(string key, HttpVerb verb, long lifetimeSeconds)
    {
        ArtifactStoreException.ThrowIfBadLifetime(lifetimeSeconds);
        try
        {
            // The SDK measures X-Amz-Expires from the system clock (not the injected TimeProvider) when it signs, and
            // rounds to the nearest second. Half a second more keeps the value at lifetimeSeconds for any delay under
            // a second between here and there, and never above it: the URL never outlives what it was asked for.
            return _client.GetPreSignedURL(new GetPreSignedUrlRequest
            {
                BucketName = _bucket,
                Key = key,
                Verb = verb,
                Protocol = _protocol,
                Expires = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(lifetimeSeconds + 0.5),
            });
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or AmazonClientException)
        {
            throw new ArtifactStoreException("presigning failed", ex);
        }
    }
}
