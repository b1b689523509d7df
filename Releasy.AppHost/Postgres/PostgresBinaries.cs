namespace Releasy.AppHost.Postgres;

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
            return File.Exists(Path.Combine(configured, "postgres")) ? Path.GetFullPath(configured) : null;
        }

        if (!Directory.Exists(DebianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(DebianRoot)
            .Select(d => (Major: int.TryParse(Path.GetFileName(d), out var major) ? major : 0, Bin: Path.Combine(d, "bin")))
            .Where(d => File.Exists(Path.Combine(d.Bin, "postgres")))
            .OrderByDescending(d => d.Major)
            .Select(d => d.Bin)
            .FirstOrDefault();
    }
}
