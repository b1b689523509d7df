using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>What the operating system says about processes and listening sockets.</summary>
public static partial class ProcessTable
{
    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    /// <summary>The local addresses (<c>ip:port</c>) each process listens on, from <c>ss -ltnpH</c>.</summary>
    public static async Task<ILookup<int, string>> ListeningAsync()
    {
        var start = new ProcessStartInfo("ss", "-ltnpH") { RedirectStandardOutput = true };
        using var ss = Process.Start(start)!;
        var text = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line =>
            {
                var local = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
                return Pid().Matches(line).Select(m => (Pid: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Local: local));
            })
            .ToLookup(x => x.Pid, x => x.Local);
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex Pid();
}
