using System.Reflection;

namespace Releasy.Testing;

/// <summary>The clone the tests belong to.</summary>
public static class Repository
{
    /// <summary>The folder holding Releasy.sln: above the test binaries, else where they were built.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Releasy.sln")))
            {
                return dir.FullName;
            }
        }

        // Built with an artifacts path outside the clone: the clone this assembly was built from.
        var built = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        return built is not null && File.Exists(Path.Combine(built, "Releasy.sln"))
            ? built
            : throw new InvalidOperationException("Releasy.sln was not found above the test binaries or where they were built.");
    }
}
