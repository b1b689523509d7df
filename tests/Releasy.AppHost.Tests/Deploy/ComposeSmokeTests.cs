using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Releasy.AppHost.Tests.Infrastructure;
using Releasy.Testing;
using YamlDotNet.RepresentationModel;

namespace Releasy.AppHost.Tests.Deploy;

/// <summary>
/// The committed Compose topology, run without containers (no image can be pulled here): each built service as a
/// process with exactly the environment the Compose file gives it, once the env file's names are filled with test
/// values and the service names are mapped to loopback ports; PostgreSQL is the test server. Services start in the
/// file's order, each only once its <c>depends_on</c> conditions hold. The contract's customer journey then runs
/// through the proxy: a missing variable or a wrong address anywhere in the wiring fails it.
/// </summary>
public sealed partial class ComposeSmokeTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<ServiceProcess> _processes = [];
    private readonly string _scratch = ScratchDirectory.Create("releasy-compose-");
    private string? _database;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        if (_database is not null)
        {
            await PostgresServer.DropDatabaseAsync(_database);
        }

        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task The_compose_services_run_as_processes_serve_the_customer_journey_through_the_proxy()
    {
        TopologyRun.RequirePostgres();
        var services = GeneratedDeployment.LoadAll(await File.ReadAllTextAsync(Path.Combine(GeneratedDeployment.Committed, "compose", "docker-compose.yaml"))).Single().Map("services");
        var settings = EnvTemplate(await File.ReadAllTextAsync(Path.Combine(GeneratedDeployment.Committed, "compose", ".env.example")));

        // The test server stands in for the postgres service; its database is created as POSTGRES_DB asks, under a
        // name of its own.
        var postgres = services.Map("postgres").Map("environment");
        var admin = new NpgsqlConnectionStringBuilder(await PostgresServer.AdminConnectionStringAsync());
        Assert.Equal(postgres.Str("POSTGRES_USER"), admin.Username);
        _database = await PostgresServer.CreateDatabaseAsync();
        var map = new AddressMap(new NpgsqlConnectionStringBuilder(_database).Database!, postgres.Str("POSTGRES_DB"));
        map.Services["postgres"] = (ContainerPort(services.Map("postgres"))!.Value, admin.Host!, admin.Port);

        // Loopback ports for the services the file builds, where their containers would listen.
        foreach (var (name, service) in services.Entries().Where(s => s.Value.Find("build") is not null))
        {
            if (ContainerPort(service) is { } port)
            {
                map.Services[name] = (port, "127.0.0.1", FreePort.Next());
            }
        }

        var publicUrl = $"http://127.0.0.1:{map.Services["proxy"].Port}";
        settings["POSTGRES_PASSWORD"] = admin.Password!;
        settings["ADMIN_KEY"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        settings["RELEASY_PUBLIC_URL"] = publicUrl;
        settings["RELEASY_PUBLIC_PORT"] = $"{map.Services["proxy"].Port}";
        Assert.All(settings, s => Assert.False(s.Value.Length == 0 && s.Key != "OTEL_EXPORTER_OTLP_ENDPOINT", $"{s.Key} has no test value"));

        var reached = new Dictionary<string, string> { ["postgres"] = "service_healthy" };
        foreach (var (name, service) in services.Entries().Where(s => s.Value.Find("build") is not null))
        {
            if (service.Find("depends_on") is YamlMappingNode dependsOn)
            {
                foreach (var (dependency, condition) in dependsOn.Entries())
                {
                    var wanted = condition.Str("condition");
                    Assert.True(reached.TryGetValue(dependency, out var state) && (state == wanted || wanted == "service_started"),
                        $"{name} needs {dependency} {wanted}, but it is {state ?? "not started"}: the file's order is not its start order");
                }
            }

            var environment = service.Map("environment").Entries()
                .ToDictionary(e => e.Key, e => (string?)map.Localize(name, Interpolate(((YamlScalarNode)e.Value).Value!, settings), VolumeTargets(service, name)));
            var process = ServiceProcess.Start(Project(service), environment);
            _processes.Add(process);

            if (service.Str("restart") == "no")
            {
                var exit = await process.WaitForExitAsync(StartTimeout);
                Assert.True(exit == 0, $"{name} exited with {exit}:\n{process.Output}");
                reached[name] = "service_completed_successfully";
            }
            else
            {
                var probe = map.Localize(name, service.Map("healthcheck").Seq("test").Strings().Single(a => a.StartsWith("http://", StringComparison.Ordinal)), []);
                await WaitHealthyAsync(name, process, probe);
                reached[name] = "service_healthy";
            }
        }

        await CustomerJourneyAsync(publicUrl, settings["ADMIN_KEY"]);
    }

    private static async Task CustomerJourneyAsync(string publicUrl, string adminKey)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(publicUrl) };
        admin.DefaultRequestHeaders.Add("x-releasy-admin-key", adminKey);
        var journey = await CustomerJourney.PublishAsync(admin, "compose-app", 32 * 1024);
        Assert.StartsWith(publicUrl + "/", journey.UploadUrl, StringComparison.Ordinal);

        using var customer = new HttpClient { BaseAddress = new Uri(publicUrl) };
        customer.DefaultRequestHeaders.Add("x-releasy-api-key", journey.ApiKey);
        Assert.Contains(journey.ReleaseId, await customer.GetStringAsync("/v1/releases"), StringComparison.Ordinal);
        var downloadUrl = (await PostAsync(customer, "/v1/downloads/token", new { artifact_id = journey.ArtifactId })).GetProperty("download_url").GetString()!;
        Assert.StartsWith(publicUrl + "/v1/downloads/", downloadUrl, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        Assert.Equal(journey.Bytes, await anonymous.GetByteArrayAsync(downloadUrl));
    }

    private static async Task WaitHealthyAsync(string name, ServiceProcess process, string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(async () =>
        {
            Assert.False(process.HasExited, $"{name} exited before it was healthy:\n{process.Output}");
            return (await client.GetAsync(url)).StatusCode;
        }, status => status == HttpStatusCode.OK, $"{name} healthy at {url}\n{process.Output}", StartTimeout);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Compose's interpolation: <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>$$</c>. A name the env file does not list fails.</summary>
    private static string Interpolate(string value, Dictionary<string, string> settings) =>
        Interpolation().Replace(value, m =>
        {
            if (m.Value == "$$")
            {
                return "$";
            }

            var name = m.Groups["name"].Value;
            Assert.True(settings.TryGetValue(name, out var setting), $"${{{name}}} is not in .env.example");
            return setting.Length == 0 && m.Groups["default"].Success ? m.Groups["default"].Value : setting;
        });

    private static Dictionary<string, string> EnvTemplate(string text) =>
        text.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    /// <summary>The project the service's Dockerfile starts (its ENTRYPOINT's dll), as built beside the tests.</summary>
    private static string Project(YamlNode service)
    {
        var dockerfile = File.ReadAllText(Path.Combine(GeneratedDeployment.RepositoryRoot, service.Map("build").Str("dockerfile")));
        return EntryPoint().Match(dockerfile).Groups["project"].Value;
    }

    private static int? ContainerPort(YamlNode service)
    {
        var port = (service.Find("ports") ?? service.Find("expose")) is YamlSequenceNode ports ? ports.Strings().Single() : null;
        return port is null ? null : int.Parse(port[(port.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private Dictionary<string, string> VolumeTargets(YamlNode service, string name)
    {
        var targets = new Dictionary<string, string>();
        if (service.Find("volumes") is YamlSequenceNode volumes)
        {
            foreach (var volume in volumes.Strings())
            {
                var target = volume[(volume.IndexOf(':', StringComparison.Ordinal) + 1)..];
                targets[target] = Directory.CreateDirectory(Path.Combine(_scratch, name, volume[..volume.IndexOf(':', StringComparison.Ordinal)])).FullName;
            }
        }

        return targets;
    }

    /// <summary>Where each Compose host name is on this machine.</summary>
    private sealed class AddressMap(string database, string composeDatabase)
    {
        public Dictionary<string, (int Container, string Host, int Port)> Services { get; } = [];

        public string Localize(string self, string value, Dictionary<string, string> volumes)
        {
            if (volumes.TryGetValue(value, out var directory))
            {
                return directory;
            }

            value = value.Replace($"Database={composeDatabase}", $"Database={database}", StringComparison.Ordinal);
            value = value.EndsWith($"/{composeDatabase}", StringComparison.Ordinal) ? value[..^composeDatabase.Length] + database : value;
            foreach (var (name, (container, host, port)) in Services)
            {
                value = value == name ? host : value
                    .Replace($"Host={name};Port={container}", $"Host={host};Port={port}", StringComparison.Ordinal)
                    .Replace($"//{name}:{container}", $"//{host}:{port}", StringComparison.Ordinal)
                    .Replace($"@{name}:{container}", $"@{host}:{port}", StringComparison.Ordinal);
            }

            if (Services.TryGetValue(self, out var own))
            {
                // The service's own listening address (every interface of its container) and its health probe (the
                // container's loopback): the loopback port here.
                value = value == $"{own.Container}" ? $"{own.Port}" : value
                    .Replace($"0.0.0.0:{own.Container}", $"127.0.0.1:{own.Port}", StringComparison.Ordinal)
                    .Replace($"//127.0.0.1:{own.Container}/", $"//127.0.0.1:{own.Port}/", StringComparison.Ordinal);
            }

            // No Compose host name is left where a host goes (a user name may still read "postgres").
            Assert.DoesNotMatch(@"(@|Host=)(postgres|api|proxy|migrations)\b|//(postgres|api|proxy|migrations):[0-9]+(/|$)", value);
            return value;
        }
    }

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""(?<project>[A-Za-z.]+)\.dll""\]")]
    private static partial Regex EntryPoint();
}
