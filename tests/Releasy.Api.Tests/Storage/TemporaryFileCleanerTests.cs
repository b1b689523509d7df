using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Releasy.Api.Storage;

namespace Releasy.Api.Tests.Storage;

/// <summary>The embedded store's temporary files: a crashed upload's leftovers go, an upload in progress stays.</summary>
public sealed class TemporaryFileCleanerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("releasy-clean-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(20000));
    private readonly ArtifactStorage _storage;

    public TemporaryFileCleanerTests()
    {
        var store = new EmbeddedArtifactStore(_directory, "http://localhost:8080", _clock);
        _storage = new ArtifactStorage(store, NullLogger<ArtifactStorage>.Instance);
        Directory.CreateDirectory(store.TemporaryDirectory);
    }

    private string Temp => ((EmbeddedArtifactStore)_storage.Store!).TemporaryDirectory;

    [Fact]
    public async Task At_start_up_a_stale_temporary_file_is_removed_and_a_fresh_one_kept()
    {
        var stale = TempFile("crashed" + EmbeddedArtifactStore.UploadSuffix, age: TemporaryFileCleaner.MaxAge + TimeSpan.FromMinutes(1));
        var fresh = TempFile("receiving" + EmbeddedArtifactStore.UploadSuffix, age: TimeSpan.FromMinutes(5));
        using var cleaner = new TemporaryFileCleaner(_storage, _clock, NullLogger<TemporaryFileCleaner>.Instance);

        await cleaner.StartAsync(CancellationToken.None);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        await cleaner.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_left_behind_is_removed_by_a_later_sweep_once_it_is_old_enough()
    {
        using var cleaner = new TemporaryFileCleaner(_storage, _clock, NullLogger<TemporaryFileCleaner>.Instance);
        var swept = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await cleaner.StartAsync(CancellationToken.None);
        var left = TempFile("abandoned" + EmbeddedArtifactStore.PromotionSuffix, age: TimeSpan.Zero);
        cleaner.Swept = removed => swept.TrySetResult(removed);

        _clock.Advance(TemporaryFileCleaner.Interval);
        Assert.Equal(0, await swept.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(File.Exists(left));

        swept = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Advance(TemporaryFileCleaner.MaxAge);
        Assert.Equal(1, await swept.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(left));
        await cleaner.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_upload_leaves_no_temporary_file()
    {
        var store = (EmbeddedArtifactStore)_storage.Store!;

        await Assert.ThrowsAsync<ArtifactStoreException>(() =>
            store.ReceiveAsync("releases/a/b", new FailingStream(), CancellationToken.None));

        Assert.Empty(Directory.GetFiles(Temp));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TempFile(string name, TimeSpan age)
    {
        var path = Path.Combine(Temp, name);
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, (_clock.GetUtcNow() - age).UtcDateTime);
        return path;
    }

    /// <summary>A request body whose connection drops after the first bytes.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private bool _sent;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent)
            {
                throw new IOException("connection reset");
            }

            _sent = true;
            buffer.Span[0] = 42;
            return ValueTask.FromResult(1);
        }
    }
}
