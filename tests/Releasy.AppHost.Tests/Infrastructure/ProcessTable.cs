using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>What the operating system says about processes and listening sockets.</summary>
public static partial class ProcessTable
{
    public static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    /// <summary>The process and all its descendants, from <c>/proc</c>.</summary>
    public static IReadOnlyList<int> WithDescendants(IEnumerable<int> roots)
    {
        var parents = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Parent: ParentOf(pid)))
            .Where(p => p.Parent > 0)
            .ToLookup(p => p.Parent, p => p.Pid);
        var found = new List<int>();
        var queue = new Queue<int>(roots);
        while (queue.TryDequeue(out var pid))
        {
            found.Add(pid);
            foreach (var child in parents[pid])
            {
                queue.Enqueue(child);
            }
        }

        return found.Distinct().ToList();
    }

    /// <summary>The orchestrator (DCP) processes that watch <paramref name="appHost"/>: every resource descends from them.</summary>
    public static IReadOnlyList<int> OrchestratorsOf(int appHost) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && CommandLine(pid).Contains($"--monitor {appHost} ", StringComparison.Ordinal))
            .ToList();

    /// <summary>The environment a process was started with.</summary>
    public static IReadOnlyDictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    public static string CommandLine(int pid) =>
        File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') : "";

    /// <summary>Every listening TCP socket as (pid, process name, local address), from <c>ss -ltnpH</c>.</summary>
    public static async Task<IReadOnlyList<(int Pid, string Name, string Local)>> ListeningAsync()
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", "-ltnpH") { RedirectStandardOutput = true })!;
        var text = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line =>
            {
                var local = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
                return Owner().Matches(line).Select(m =>
                    (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[1].Value, local));
            })
            .ToList();
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // gone meanwhile
        }
    }

    [GeneratedRegex(@"\(""([^""]+)"",pid=(\d+)")]
    private static partial Regex Owner();
}
