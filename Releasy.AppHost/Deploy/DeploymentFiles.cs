using Aspire.Hosting.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Releasy.AppHost.Settings;

namespace Releasy.AppHost.Deploy;

/// <summary>
/// Compose and Kubernetes files written from the app model next to <c>aspire-manifest.json</c>, whenever the
/// AppHost publishes (<c>dotnet run --project Releasy.AppHost -- --publisher manifest --output-path deploy</c>).
/// </summary>
public static class DeploymentFiles
{
    private const string OutputPathKey = "Pipeline:OutputPath";

    // The folders this generator owns inside the output: emptied before each write, so nothing stale remains.
    private static readonly string[] OwnedFolders = ["compose", "docker", "kubernetes"];

    public static IDistributedApplicationBuilder AddDeploymentFiles(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        builder.Eventing.Subscribe<AfterPublishEvent>(async (e, ct) =>
        {
            if (builder.Configuration[OutputPathKey] is not { Length: > 0 } output)
            {
                return;
            }

            var options = DeploymentOptions.From(builder.Configuration);
            var root = RepositoryRoot(builder.AppHostDirectory);
            var topology = await DeployTopology.ReadAsync(e.Model, builder.ExecutionContext, root, ct);
            var written = await WriteAsync(topology, options, Path.GetFullPath(output), ct);
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(StartupNotes.Category);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Deployment files: {Count} written to {Output}", written, Path.GetFullPath(output));
            }
        });
        return builder;
    }

    /// <summary>
    /// Storage the project needs once deployed, mounted at <paramref name="target"/> and named to it by
    /// <paramref name="variable"/>. Publish mode only: a run on this machine chooses its own storage.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDeploymentVolume(
        this IResourceBuilder<ProjectResource> project, string name, string target, string? variable = null)
    {
        ArgumentNullException.ThrowIfNull(project);
        return project.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? project.WithAnnotation(new DeploymentVolumeAnnotation(name, target, variable))
            : project;
    }

    public static async Task<int> WriteAsync(DeployTopology topology, DeploymentOptions options, string output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var files = new Dictionary<string, string>
        {
            ["compose/docker-compose.yaml"] = ComposeWriter.Write(topology),
            ["compose/.env.example"] = ComposeWriter.WriteEnvExample(topology),
        };
        foreach (var service in topology.Services.Where(s => s.IsProject))
        {
            files[$"docker/{service.Name}.Dockerfile"] = DockerfileWriter.Write(topology, service);
            files[$"docker/{service.Name}.Dockerfile.dockerignore"] = DockerfileWriter.WriteIgnore();
        }

        foreach (var (name, text) in new KubernetesWriter(topology, options).Write())
        {
            files[$"kubernetes/{name}"] = text;
        }

        foreach (var folder in OwnedFolders.Select(f => Path.Combine(output, f)).Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (var (path, text) in files)
        {
            var full = Path.Combine(output, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text, ct);
        }

        return files.Count;
    }

    // The Dockerfiles build from the repository root: the folder above the AppHost's, holding the solution.
    private static string RepositoryRoot(string appHostDirectory) =>
        Directory.GetParent(appHostDirectory)?.FullName ?? appHostDirectory;
}
