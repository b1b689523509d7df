using System.Diagnostics;
using System.Text;
using Releasy.Testing;

namespace Releasy.MigrationService.Tests.Compatibility;

/// <summary>
/// The last landed release, pinned by commit in <c>tests/previous-release</c>, and its API built from that commit.
/// A clone without that commit fails with what to fetch: the compatibility checks never skip.
/// </summary>
public static class PreviousRelease
{
    public const string PinFile = "tests/previous-release";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);
    private static readonly Lazy<Task<string>> Build = new(BuildApiAsync);

    /// <summary>The pinned commit, checked to be in this clone.</summary>
    public static string Commit()
    {
        var root = Repository.Root();
        var pin = File.ReadAllLines(Path.Combine(root, PinFile))
            .Select(l => l.Trim())
            .Single(l => l.Length > 0 && !l.StartsWith('#'));
        Assert.Matches("^[0-9a-f]{40}$", pin);
        var (exitCode, output) = Run("git", ["cat-file", "-e", pin + "^{commit}"], root, TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0,
            $"{PinFile} pins the previous release {pin}, but this clone does not have that commit ({output.Trim()}). " +
            "Fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in CI) so the schema-compatibility checks can run.");
        return pin;
    }

    /// <summary>The file names under <paramref name="folder"/> in the previous release's tree.</summary>
    public static IReadOnlyList<string> Files(string folder)
    {
        var (exitCode, output) = Run("git", ["ls-tree", "--name-only", Commit() + ":" + folder], Repository.Root(), TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"git ls-tree {folder} failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The previous release's <c>Releasy.Api.dll</c>, published once per clone and commit into
    /// <c>artifacts/previous-release/&lt;commit&gt;</c> (a minute or more), then reused.
    /// </summary>
    public static Task<string> ApiDllAsync() => Build.Value;

    private static async Task<string> BuildApiAsync()
    {
        var commit = Commit();
        var root = Repository.Root();
        var cache = Path.Combine(root, "artifacts", "previous-release", commit);
        var dll = Path.Combine(cache, "out", "Releasy.Api.dll");
        if (File.Exists(dll))
        {
            return dll;
        }

        var work = Path.Combine(root, "artifacts", "previous-release", $"{commit}.{Guid.NewGuid():N}");
        var source = Path.Combine(work, "src");
        Directory.CreateDirectory(source);
        var tar = Path.Combine(work, "source.tar");
        Expect(await Task.Run(() => Run("git", ["archive", "--format=tar", "-o", tar, commit], root, TimeSpan.FromMinutes(2))), "git archive");
        Expect(await Task.Run(() => Run("tar", ["-xf", tar, "-C", source], root, TimeSpan.FromMinutes(2))), "tar");

        // The archive carries its own global.json and Directory.*.props. The commit is given, not read from git:
        // the source sits inside this clone, whose HEAD is another commit.
        Expect(await Task.Run(() => Run("dotnet", [
            "publish", "Releasy.Api/Releasy.Api.csproj", "-c", "Release", "-o", Path.Combine(work, "out"),
            "--disable-build-servers", "-nologo", "-v", "quiet",
            "-p:EnableSourceControlManagerQueries=false", "-p:SourceRevisionId=" + commit,
        ], source, BuildTimeout)), "dotnet publish of the previous release");

        Directory.Delete(source, recursive: true);
        File.Delete(tar);
        try
        {
            Directory.Move(work, cache);
        }
        catch (IOException) when (File.Exists(dll))
        {
            Directory.Delete(work, recursive: true); // Another test run built it first.
        }

        return dll;
    }

    private static void Expect((int ExitCode, string Output) result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what} failed with exit code {result.ExitCode}:\n{result.Output}");

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild settings belong to the current build, not to the archived one.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"timed out after {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
