using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Tests;

public sealed class StateDirectoryTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Replicas_asking_for_a_secret_at_the_same_time_all_get_the_same_one()
    {
        var directory = Directory.CreateTempSubdirectory("releasy-state-");
        try
        {
            var state = new StateDirectory(directory.FullName);

            var secrets = new string[16];
            Parallel.For(0, secrets.Length, i => secrets[i] = state.GetOrCreateSecret("admin-key"));

            Assert.Single(secrets.Distinct());
            Assert.Equal(secrets[0], File.ReadAllText(state.PathOf("admin-key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state.PathOf("admin-key")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
