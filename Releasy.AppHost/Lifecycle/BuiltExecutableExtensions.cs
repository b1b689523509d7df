namespace Releasy.AppHost.Lifecycle;

public static class BuiltExecutableExtensions
{
    /// <summary>
    /// In run mode, starts the project's built executable (the AppHost's build has just built it, next to the
    /// AppHost's own output) instead of <c>dotnet run --no-build</c>: one process per instance instead of two, and no
    /// project evaluation before each start. Where the executable is not found, <c>dotnet run</c> stays.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltExecutable(this IResourceBuilder<ProjectResource> project)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (!project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return project;
        }

        var projectPath = project.Resource.GetProjectMetadata().ProjectPath;
        var name = Path.GetFileNameWithoutExtension(projectPath);
        // Artifacts output: artifacts/bin/<project>/<configuration>/, the same layout for every project.
        var ownOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var executable = Path.Combine(ownOutput.Parent!.Parent!.FullName, name, ownOutput.Name, name);
        return File.Exists(executable)
            ? project.WithAnnotation(new ExecutableAnnotation { Command = executable, WorkingDirectory = Path.GetDirectoryName(projectPath)! },
                ResourceAnnotationMutationBehavior.Replace)
            : project;
    }
}
