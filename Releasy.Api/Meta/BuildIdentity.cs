using System.Reflection;
using Releasy.Api.Options;

namespace Releasy.Api.Meta;

/// <summary>
/// Which build is running. The image sets <c>RELEASY_VERSION</c> and <c>RELEASY_BUILD</c>; without them the version is
/// the assembly's, and the build is "dev". The commit is the one the SDK stamps into the informational version
/// (<c>1.0.0+&lt;sha&gt;</c>) from the clone it was built in.
/// </summary>
public sealed record BuildIdentity(string Version, string Build, string? Commit)
{
    public const string VersionVariable = "RELEASY_VERSION";
    public const string BuildVariable = "RELEASY_BUILD";
    public const string DefaultBuild = "dev";

    public static BuildIdentity FromConfiguration(IConfiguration config, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 || plus == informational.Length - 1 ? null : informational[(plus + 1)..];
        return new BuildIdentity(
            ConfigReader.Optional(config, VersionVariable) ?? version,
            ConfigReader.Optional(config, BuildVariable) ?? DefaultBuild,
            commit);
    }
}
