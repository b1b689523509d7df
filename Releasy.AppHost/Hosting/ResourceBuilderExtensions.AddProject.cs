using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>
    /// Adds a .NET project. <paramref name="projectPath"/> is a .csproj or its directory, relative to the AppHost's
    /// project directory; a directory means <c>dir/dir.csproj</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var fullPath = Path.GetFullPath(projectPath, builder.AppHostDirectory);
        if (!fullPath.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            fullPath = Path.Combine(fullPath, Path.GetFileName(Path.TrimEndingDirectorySeparator(fullPath)) + ".csproj");
        }

        return builder.AddResource(new ProjectResource(name, fullPath));
    }
}
