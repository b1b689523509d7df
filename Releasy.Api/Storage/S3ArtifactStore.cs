using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Releasy.Api.Options;

namespace Releasy.Api.Storage;

/// <summary>
/// An S3-compatible bucket (AWS, MinIO, s3rver…). Presigned URLs are SigV4 query-string URLs that sign only
/// <c>host</c>, so a plain <c>curl -X PUT --data-binary @file</c> works whatever content type it sends.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
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

    public string PresignUpload(string key, long lifetimeSeconds) => Presign(key, HttpVerb.PUT, lifetimeSeconds);

    public string PresignDownload(string key, long lifetimeSeconds) => Presign(key, HttpVerb.GET, lifetimeSeconds);

    public async Task<StoredObject?> StatAsync(string key, CancellationToken ct)
    {
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, ct);
            // A plain presigned PUT carries no checksum, so S3 cannot tell the SHA-256 of the whole object.
            return new StoredObject(metadata.ContentLength, null);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ArtifactStoreException("object metadata lookup failed", ex);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, ct);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new ArtifactStoreException("object delete failed", ex);
        }
    }

    public void Dispose() => _client.Dispose();

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
