using System.Diagnostics;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Releasy.Api.Tests.Storage;

/// <summary>
/// A 256 MiB artifact through the embedded store, generated while it is sent: the upload, the registration
/// (whose SHA-256 the store computed while receiving) and the download all stream, so the process's peak
/// working set grows by far less than the file. It runs over real Kestrel on loopback, the production path
/// (the in-memory TestServer buffers a request body of this size on its own).
/// </summary>
public sealed class LargeArtifactTests(ITestOutputHelper output)
{
    private const long Size = 256L * 1024 * 1024;
    private const long MaxGrowth = 128L * 1024 * 1024;

    [Fact]
    public async Task A_256_MiB_artifact_round_trips_with_bounded_memory()
    {
        var directory = Directory.CreateTempSubdirectory("releasy-large-").FullName;
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?> { ["RELEASY_ARTIFACT_DIR"] = directory });
        api.UseKestrel(0);
        api.StartServer();
        try
        {
            await RoundTripAsync(api);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task RoundTripAsync(ReleasyApiFactory api)
    {
        var admin = api.CreateAdminClient();
        var release = await api.SeedReleaseAsync();
        var (_, apiKey) = await api.SeedEntitledCustomerAsync(release.Product);
        var presign = await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts/presign",
            new { filename = "big.bin", platform = "linux" })).AssertOkAsync();
        // Plain clients: the factory's own handlers buffer request bodies (to replay them on redirects) and follow 302s.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = api.CreateClient().BaseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var process = Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var peakBefore = process.PeakWorkingSet64;
        var clock = Stopwatch.StartNew();

        using var generated = new GeneratedStream(Size, seed: 42);
        using var content = new StreamContent(generated, 128 * 1024);
        content.Headers.ContentLength = Size;
        var upload = await client.PutAsync(new Uri((string)presign["upload_url"]!).PathAndQuery, content);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var uploaded = generated.Sha256Hex();
        var uploadTime = clock.Elapsed;
        process.Refresh();
        var peakAfterUpload = process.PeakWorkingSet64;

        await (await admin.PostJsonAsync($"/v1/releases/{release.Id}/artifacts", new
        {
            artifact_id = (string)presign["artifact_id"]!,
            platform = "linux",
            object_key = (string)presign["object_key"]!,
            checksum = uploaded,
            size = Size,
        })).AssertOkAsync();
        await api.SetPublishedAsync(release.Id);
        var token = await (await api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token",
            new { artifact_id = (string)presign["artifact_id"]! })).AssertOkAsync();
        var redirect = await client.GetAsync(new Uri((string)token["download_url"]!).PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);

        using var response = await client.GetAsync(redirect.Headers.Location!.PathAndQuery, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Size, response.Content.Headers.ContentLength);
        var (downloaded, length) = await HashAsync(await response.Content.ReadAsStreamAsync());

        process.Refresh();
        var growth = process.PeakWorkingSet64 - peakBefore;
        output.WriteLine($"256 MiB: upload {uploadTime.TotalSeconds:F1} s, total {clock.Elapsed.TotalSeconds:F1} s; " +
            $"peak working set {peakBefore / 1048576} MiB before, {peakAfterUpload / 1048576} MiB after the upload, " +
            $"{process.PeakWorkingSet64 / 1048576} MiB after the download (+{growth / 1048576} MiB)");
        Assert.Equal(Size, length);
        Assert.Equal(uploaded, downloaded);
        Assert.True(growth < MaxGrowth, $"peak working set grew by {growth / 1048576} MiB");
    }

    private static async Task<(string Sha256, long Length)> HashAsync(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    /// <summary>Deterministic pseudo-random bytes of a fixed length, produced (and hashed) as they are read.</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        private string? _sha256;

        /// <summary>The SHA-256 of everything read, available once the stream has been read to its end.</summary>
        public string Sha256Hex() => _sha256 ?? throw new InvalidOperationException("The stream was not read to its end.");

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            var chunk = buffer[..n];
            _random.NextBytes(chunk);
            _hash.AppendData(chunk);
            _position += n;
            if (_position == length && _sha256 is null)
            {
                _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
