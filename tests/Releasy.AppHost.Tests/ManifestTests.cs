using System.Diagnostics;
using System.Text.Json;
using Releasy.Testing;

namespace Releasy.AppHost.Tests;

/// <summary>
/// The deployable description Aspire's manifest publisher writes for the topology
/// (<c>dotnet run --project Releasy.AppHost -- --publisher manifest --output-path DIR</c>).
/// </summary>
public sealed class ManifestTests : IAsyncLifetime
{
    private const string LocalSecret = "local-only-pepper-value";
    private string _directory = "";
    private JsonElement _resources;
    private string _text = "";

    public async Task InitializeAsync()
    {
        _directory = ScratchDirectory.Create("releasy-manifest-");
        var appHost = Path.Combine(AppContext.BaseDirectory, "..", "..", "Releasy.AppHost", new DirectoryInfo(AppContext.BaseDirectory).Name, "Releasy.AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        foreach (var arg in new[] { Path.GetFullPath(appHost), "--publisher", "manifest", "--output-path", _directory })
        {
            start.ArgumentList.Add(arg);
        }

        // Settings of the machine that publishes must not reach the manifest.
        start.Environment["RELEASY_API_KEY_PEPPER"] = LocalSecret;
        start.Environment["RELEASY_ADMIN_API_KEY"] = LocalSecret;
        start.Environment["AppHost__StateDirectory"] = Path.Combine(_directory, ".releasy");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"the publisher exited with {process.ExitCode}:\n{await output}\n{await errors}");

        _text = await File.ReadAllTextAsync(Path.Combine(_directory, "aspire-manifest.json"));
        _resources = JsonDocument.Parse(_text).RootElement.GetProperty("resources").Clone();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void It_describes_the_topology_in_start_order()
    {
        var names = _resources.EnumerateObject().Select(r => r.Name).ToList();

        Assert.Equal(["postgres", "releasydb", "admin-key", "migrations", "api", "proxy"], names.Where(n => !n.Contains("-password", StringComparison.Ordinal)));
        Assert.All(new[] { "migrations", "api", "proxy" }, project => Assert.StartsWith("project.v", Type(project), StringComparison.Ordinal));
    }

    [Fact]
    public void The_proxy_is_the_only_external_binding()
    {
        var external = _resources.EnumerateObject()
            .Where(r => r.Value.TryGetProperty("bindings", out _))
            .SelectMany(r => r.Value.GetProperty("bindings").EnumerateObject()
                .Where(b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean())
                .Select(b => $"{r.Name}.{b.Name}"))
            .ToList();

        Assert.Equal(["proxy.http"], external);
    }

    [Fact]
    public void Postgres_is_a_container_with_a_volume_and_the_database_its_child()
    {
        var postgres = _resources.GetProperty("postgres");

        Assert.StartsWith("container.", Type("postgres"), StringComparison.Ordinal);
        Assert.Contains("postgres", postgres.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(postgres.GetProperty("volumes").EnumerateArray());
        Assert.Equal("value.v0", Type("releasydb"));
        Assert.Contains("{postgres.connectionString}", _resources.GetProperty("releasydb").GetProperty("connectionString").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_generated_parameters()
    {
        foreach (var name in new[] { "admin-key", "postgres-password" })
        {
            var input = _resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean(), $"{name} is not secret");
            Assert.True(input.GetProperty("default").TryGetProperty("generate", out _), $"{name} is not generated");
        }

        Assert.Equal("{admin-key.value}", Env("api", "RELEASY_ADMIN_API_KEY"));
    }

    [Fact]
    public void The_services_are_wired_by_reference()
    {
        Assert.Equal("{releasydb.connectionString}", Env("migrations", "ConnectionStrings__releasydb"));
        Assert.Equal("{releasydb.connectionString}", Env("api", "ConnectionStrings__releasydb"));
        Assert.Equal("{api.bindings.http.url}", Env("proxy", "services__api__http__0"));
        Assert.Equal("{proxy.bindings.http.url}", Env("api", "RELEASY_PUBLIC_BASE_URL"));
        Assert.Equal("0.0.0.0:8080", Env("proxy", "RELEASY_BIND_ADDR"));
    }

    [Fact]
    public void No_local_path_or_secret_value_appears()
    {
        Assert.DoesNotContain(LocalSecret, _text, StringComparison.Ordinal);
        Assert.DoesNotContain(_directory, _text, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/lib/postgresql", _text, StringComparison.Ordinal);
        Assert.DoesNotContain(".releasy", _text, StringComparison.Ordinal);
        Assert.DoesNotContain("RELEASY_ARTIFACT_DIR", _text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"""/(tmp|root|home|work|usr|opt)/", _text);
        Assert.All(new[] { "migrations", "api", "proxy" }, project =>
            Assert.False(Path.IsPathRooted(_resources.GetProperty(project).GetProperty("path").GetString()), $"{project}'s path is absolute"));
    }

    private string? Type(string resource) => _resources.GetProperty(resource).GetProperty("type").GetString();

    private string? Env(string resource, string variable) =>
        _resources.GetProperty(resource).GetProperty("env").GetProperty(variable).GetString();
}
