using System.Text;

namespace Releasy.AppHost.Deploy;

/// <summary>
/// A Dockerfile per project (build context: the repository root). Multi-stage: the SDK publishes, the runtime
/// image only runs, as the images' non-root account, from a root filesystem the deployment mounts read-only.
/// </summary>
public static class DockerfileWriter
{
    private const string SdkImage = "mcr.microsoft.com/dotnet/sdk:10.0";

    // Alpine, because its BusyBox wget can probe /health: the Debian-based runtime image has neither curl nor
    // wget, and a health check must not need a second process kept in the image for it alone.
    private const string RuntimeImage = "mcr.microsoft.com/dotnet/aspnet:10.0-alpine";

    public static string Write(DeployTopology topology, DeployService service)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(service);
        var project = service.ProjectPath ?? throw new ArgumentException($"'{service.Name}' is not a project", nameof(service));
        var assembly = Path.GetFileNameWithoutExtension(project);
        var text = new StringBuilder()
            .Append("# syntax=docker/dockerfile:1\n")
            .Append(DeployConventions.GeneratedHeader)
            .Append($"# Build from the repository root: docker build -f deploy/docker/{service.Name}.Dockerfile .\n")
            .Append($"FROM {SdkImage} AS build\n")
            .Append("WORKDIR /src\n")
            .Append("COPY . .\n")
            .Append($"RUN dotnet publish {project} -c Release -o /app -p:UseAppHost=false\n\n")
            .Append($"FROM {RuntimeImage}\n")
            .Append("WORKDIR /app\n")
            .Append("COPY --from=build /app .\n");
        foreach (var volume in service.Volumes)
        {
            // A new named volume takes the owner of the image's directory: the service account must own it.
            text.Append($"RUN mkdir -p {volume.Target} && chown $APP_UID:$APP_UID {volume.Target}\n");
        }

        text.Append("USER $APP_UID\n");
        if (service.Http is { } http)
        {
            text.Append($"EXPOSE {http.Port}\n");
        }

        text.Append(service.HasHealthCheck
            ? "HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD " + string.Join(' ', DeployConventions.HealthCommand(service)) + " || exit 1\n"
            : topology.RunsToCompletion(service)
                ? "# A one-shot task: its exit code is its verdict, there is nothing to probe while it runs.\nHEALTHCHECK NONE\n"
                : throw new DistributedApplicationException($"deployment files: '{service.Name}' runs on but has no health check to probe"));
        return text.Append($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]\n").ToString();
    }

    /// <summary>What the build context leaves out (BuildKit reads <c>NAME.Dockerfile.dockerignore</c> beside the Dockerfile).</summary>
    public static string WriteIgnore() =>
        DeployConventions.GeneratedHeader +
        "**/bin/\n**/obj/\nartifacts/\n.releasy/\n.git/\ntests/node_modules/\ndeploy/\n";
}
