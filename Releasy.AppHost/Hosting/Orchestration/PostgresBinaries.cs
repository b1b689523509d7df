namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Finds the newest PostgreSQL server binaries on the machine (Debian layout), or the configured directory.</summary>
public static class PostgresBinaries
{
    public const string ConfigurationKey = "AppHost:PostgresBin";
    public const string InstallHint = "apt-get install postgresql";
    private const string DebianRoot = "/usr/lib/postgresql";

    public static string? Find(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "postgres")) ? configured : null;
        }

        if (!Directory.Exists(DebianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(DebianRoot)
            .Select(d => (Version: Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(int.TryParse(Path.GetFileName(d), out var major) ? major : 0, 0), Bin: Path.Combine(d, "bin")))
            .Where(d => File.Exists(Path.Combine(d.Bin, "postgres")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Bin)
            .FirstOrDefault();
    }
}
