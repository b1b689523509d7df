using Releasy.AppHost.Lifecycle;

namespace Releasy.AppHost.Rollouts;

public static class RolloutColourExtensions
{
    /// <summary>
    /// In run mode, a second set of instances built like the first but started only by a rollout command (Aspire
    /// cannot add resources once the application runs). <paramref name="buildSetting"/> may name a directory holding
    /// another build of the project (its executable, e.g. from <c>dotnet publish</c>); by default they run the
    /// current build. In publish mode there is none: a deployment's rollouts belong to its platform.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddRolloutColour<TProject>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int count,
        Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>> configure, string buildSetting)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (!builder.ExecutionContext.IsRunMode)
        {
            return [];
        }

        var build = builder.Configuration[buildSetting];
        return builder.AddProjectInstances<TProject>(name, count, instance =>
        {
            var configured = configure(instance).WithExplicitStart();
            return string.IsNullOrWhiteSpace(build) ? configured : configured.WithBuildFrom(build, buildSetting);
        });
    }

    /// <summary>Runs the project's executable from <paramref name="directory"/>, which must hold a build of it.</summary>
    private static IResourceBuilder<ProjectResource> WithBuildFrom(this IResourceBuilder<ProjectResource> project, string directory, string setting)
    {
        var name = Path.GetFileNameWithoutExtension(project.Resource.GetProjectMetadata().ProjectPath);
        var root = Path.GetFullPath(directory);
        var executable = Path.Combine(root, name);
        if (!File.Exists(executable))
        {
            throw new DistributedApplicationException($"{setting} is '{root}', which holds no {name} executable (a build or publish output of {name}).");
        }

        return project.WithAnnotation(new ExecutableAnnotation { Command = executable, WorkingDirectory = root },
            ResourceAnnotationMutationBehavior.Replace);
    }
}
