using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_of_the_releasy_topology_matches_the_golden_file()
    {
        // Project paths are relative to the manifest, so write it where `dotnet run -- --publisher manifest` would.
        var path = Path.Combine(TestApplications.AppHostDirectory, $"manifest-test-{Guid.NewGuid():N}.json");
        try
        {
            // Local settings must not leak into a manifest: the pepper below must not appear in it.
            var app = TestApplications.Releasy("--RELEASY_BIND_ADDR=0.0.0.0:8080", "--RELEASY_API_KEY_PEPPER=local-only");

            app.PublishManifest(path);

            var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "releasy-manifest.json"));
            Assert.Equal(expected.ReplaceLineEndings(), File.ReadAllText(path).ReplaceLineEndings());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
