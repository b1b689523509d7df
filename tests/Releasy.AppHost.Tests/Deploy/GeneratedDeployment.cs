using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Releasy.AppHost.Tests.Deploy;

/// <summary>
/// The deployment files as the AppHost writes them now: its publisher run into a scratch folder beside the
/// committed <c>deploy/</c> (same depth, so the manifest's relative project paths read the same).
/// </summary>
public sealed class GeneratedDeployment : IAsyncLifetime
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Committed => Path.Combine(RepositoryRoot, "deploy");

    public string Directory { get; private set; } = "";

    public async Task InitializeAsync() => Directory = await PublishAsync();

    /// <summary>Files already published into <paramref name="directory"/>.</summary>
    public static GeneratedDeployment At(string directory) => new() { Directory = directory };

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs the built AppHost's publisher (the README's command) with extra arguments into a new folder.</summary>
    public static async Task<string> PublishAsync(params string[] args)
    {
        var output = Path.Combine(RepositoryRoot, $".deploy-check-{Guid.NewGuid():N}");
        var appHost = Path.Combine(AppContext.BaseDirectory, "..", "..", "Releasy.AppHost", new DirectoryInfo(AppContext.BaseDirectory).Name, "Releasy.AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot };
        foreach (var arg in new[] { Path.GetFullPath(appHost), "--publisher", "manifest", "--output-path", output }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        // Settings of the machine that publishes must not reach the files.
        start.Environment["RELEASY_ADMIN_API_KEY"] = "local-only-admin-key";
        start.Environment["RELEASY_DATABASE_URL"] = "postgres://local:local-only-password@db.local/releasy";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"the publisher exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return output;
    }

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public YamlMappingNode Compose() => LoadAll(Read("compose/docker-compose.yaml")).Single();

    /// <summary>Every Kubernetes document, with the file it came from.</summary>
    public List<(string File, YamlMappingNode Document)> Kubernetes() => At(Path.Combine(Directory, "kubernetes")).KubernetesHere();

    /// <summary>The Kubernetes documents of the folder itself (not of its subfolders).</summary>
    public List<(string File, YamlMappingNode Document)> KubernetesHere() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => LoadAll(File.ReadAllText(f)).Select(d => (Path.GetFileName(f), d)))
            .ToList();

    public static List<YamlMappingNode> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Releasy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Releasy.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>Reading parsed YAML without ceremony: a missing key or a wrong node type fails the test that asked.</summary>
public static class YamlNodes
{
    public static YamlNode? Find(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlNode node, string key) =>
        node.Find(key) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"no mapping '{key}' in {node}");

    public static YamlSequenceNode Seq(this YamlNode node, string key) =>
        node.Find(key) as YamlSequenceNode ?? throw new Xunit.Sdk.XunitException($"no sequence '{key}' in {node}");

    public static string Str(this YamlNode node, string key) =>
        (node.Find(key) as YamlScalarNode)?.Value ?? throw new Xunit.Sdk.XunitException($"no scalar '{key}' in {node}");

    public static string? StrOrNull(this YamlNode node, string key) => (node.Find(key) as YamlScalarNode)?.Value;

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlMappingNode map) =>
        map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));

    public static IEnumerable<string> Strings(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => ((YamlScalarNode)c).Value!);
}
