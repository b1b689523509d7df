using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.Testing;

namespace Releasy.AppHost.Tests.Infrastructure;

public static class TestApplications
{
    /// <summary>The repository's AppHost directory, as the AppHost assembly recorded it.</summary>
    public static string AppHostDirectory =>
        new DistributedApplicationBuilder(new DistributedApplicationOptions { IncludeEnvironmentVariables = false }).AppHostDirectory;

    /// <summary>An empty, hermetic builder for model tests.</summary>
    public static DistributedApplicationBuilder Builder(params string[] args) => new(new DistributedApplicationOptions
    {
        Args = args,
        AppHostDirectory = "/repo/Releasy.AppHost",
        IncludeEnvironmentVariables = false,
    });

    /// <summary>The real bill of materials from Program.cs, built but not started.</summary>
    public static DistributedApplication Releasy(params string[] args) =>
        DistributedApplicationTestingBuilder.Create(TextWriter.Null, args);
}
