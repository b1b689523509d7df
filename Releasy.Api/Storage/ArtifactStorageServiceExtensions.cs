using Releasy.Api.Options;

namespace Releasy.Api.Storage;

public static class ArtifactStorageServiceExtensions
{
    /// <summary>
    /// S3 when the four S3 settings are set, the embedded store with <c>RELEASY_ARTIFACT_DIR</c>, else none; and the
    /// cleaner of the embedded store's temporary files.
    /// </summary>
    public static IServiceCollection AddArtifactStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ReleasySettings>().Artifacts;
            IArtifactStore? store = options switch
            {
                { S3Enabled: true } => new S3ArtifactStore(options),
                { EmbeddedEnabled: true } => new EmbeddedArtifactStore(
                    options.Directory!, sp.GetRequiredService<ReleasySettings>().Releasy.PublicBaseUrl,
                    sp.GetRequiredService<TimeProvider>()),
                _ => null,
            };
            return new ArtifactStorage(store, sp.GetRequiredService<ILogger<ArtifactStorage>>());
        });
        services.AddHostedService<TemporaryFileCleaner>();
        return services;
    }
}
