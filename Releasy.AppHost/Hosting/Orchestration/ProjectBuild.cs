using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Builds every project resource with one <c>dotnet build</c> (of a generated solution filter) into the same
/// artifacts folder and configuration as the AppHost itself, then runs each from <c>bin/{name}/{pivot}/</c>.
/// </summary>
public sealed class ProjectBuild(string artifactsRoot, string pivot)
{
    // One build per process and set of projects: test suites start many applications from one model.
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Builds = new(StringComparer.Ordinal);

    public string ArtifactsRoot { get; } = artifactsRoot;

    public string Pivot { get; } = pivot;

    public string Configuration => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Pivot.Split('_')[0]);

    /// <summary>Reads the layout from where the AppHost assembly itself was built: <c>{root}/bin/{project}/{pivot}/</c>.</summary>
    public static ProjectBuild FromAppHostLocation()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (directory.Parent?.Parent is not { Name: "bin" } bin || bin.Parent is null)
        {
            throw new DistributedApplicationException(
                $"The AppHost runs from '{directory.FullName}', which is not an artifacts layout (UseArtifactsOutput): cannot find the projects' output.");
        }

        return new ProjectBuild(bin.Parent.FullName, directory.Name);
    }

    public string DllPath(ProjectResource project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Path.Combine(ArtifactsRoot, "bin", project.AssemblyName, Pivot, project.AssemblyName + ".dll");
    }

    public Task BuildAsync(IReadOnlyList<ProjectResource> projects, IProcessRunner runner, StateDirectory state, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(projects);
        ArgumentNullException.ThrowIfNull(state);
        if (projects.Count == 0)
        {
            return Task.CompletedTask;
        }

        var key = ArtifactsRoot + "|" + string.Join('|', projects.Select(p => p.ProjectPath).Order(StringComparer.Ordinal));
        var build = Builds.GetOrAdd(key, _ => new Lazy<Task>(() => RunBuildAsync(projects, runner, state, output, ct)));
        return build.Value;
    }

    private async Task RunBuildAsync(IReadOnlyList<ProjectResource> projects, IProcessRunner runner, StateDirectory state, TextWriter output, CancellationToken ct)
    {
        var target = WriteSolutionFilter(projects, state) ?? projects[0].ProjectPath;
        ConsoleLines.Write(output, "build", $"dotnet build {string.Join(", ", projects.Select(p => p.AssemblyName))} ({Configuration}, {ArtifactsRoot})");
        // No MSBuild node reuse: idle build nodes would outlive the AppHost, which leaves no process behind.
        var spec = new ProcessSpec("build", "dotnet",
            ["build", target, "-c", Configuration, $"-p:ArtifactsPath={ArtifactsRoot}", "-nodeReuse:false", "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary"])
        {
            OnOutput = line => ConsoleLines.Write(output, "build", line),
        };
        var (exitCode, _) = await runner.RunToCompletionAsync(spec, ct);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"Building the projects failed (dotnet build exited with code {exitCode}); see the [build] lines above.");
        }

        var missing = projects.Select(DllPath).Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException($"The build did not produce {string.Join(", ", missing)}.");
        }
    }

    /// <summary>A solution filter builds several projects in one invocation; null when no solution contains them.</summary>
    private static string? WriteSolutionFilter(IReadOnlyList<ProjectResource> projects, StateDirectory state)
    {
        var solution = FindSolution(Path.GetDirectoryName(projects[0].ProjectPath)!);
        if (projects.Count == 1 || solution is null)
        {
            return null;
        }

        var solutionDirectory = Path.GetDirectoryName(solution)!;
        var filter = new
        {
            solution = new
            {
                path = solution,
                projects = projects.Select(p => Path.GetRelativePath(solutionDirectory, p.ProjectPath).Replace('/', '\\')).ToArray(),
            },
        };
        state.Ensure();
        var path = state.PathOf("apphost-build.slnf");
        File.WriteAllText(path, JsonSerializer.Serialize(filter));
        return path;
    }

    private static string? FindSolution(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("*.sln").FirstOrDefault() is { } sln)
            {
                return sln.FullName;
            }
        }

        return null;
    }
}
