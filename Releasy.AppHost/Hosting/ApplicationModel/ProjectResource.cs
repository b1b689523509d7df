namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A .NET project, run from its build output.</summary>
public sealed class ProjectResource(string name, string projectPath)
    : Resource(name), IResourceWithEnvironment, IResourceWithServiceDiscovery, IResourceWithWaitSupport
{
    /// <summary>Absolute path of the .csproj file.</summary>
    public string ProjectPath { get; } = projectPath;

    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);
}
