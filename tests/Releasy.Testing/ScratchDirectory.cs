using System.Diagnostics;
using System.Globalization;

namespace Releasy.Testing;

/// <summary>
/// Temp directories for the servers a test process starts. The test host can be killed before its exit handlers
/// have cleaned up, so each directory carries its owner's process id, and creating one removes those whose
/// owner is gone.
/// </summary>
public static class ScratchDirectory
{
    /// <summary>Creates <c>{prefix}{pid}-{random}</c> under the temp directory.</summary>
    /// <param name="prefix">Names the kind of server; directories of dead owners with this prefix are removed.</param>
    /// <param name="inUse">Keeps an orphan that is still in use (a server that outlived its test host).</param>
    public static string Create(string prefix, Func<string, bool>? inUse = null)
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            var owner = Path.GetFileName(directory)[prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid) && inUse?.Invoke(directory) != true)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Another user's: not ours to remove.
                }
            }
        }

        return Directory.CreateTempSubdirectory($"{prefix}{Environment.ProcessId}-").FullName;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
