using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Releasy.AppHost.Tests.Deploy;

/// <summary>
/// The deployment files the AppHost writes from its model: the committed <c>deploy/</c> is what it writes now, and
/// the files hold the deployment's invariants (one public service, migrations before the API, secrets only by
/// reference, non-root everywhere, network policies around PostgreSQL and the API).
/// </summary>
public sealed partial class DeployFilesTests(GeneratedDeployment generated) : IClassFixture<GeneratedDeployment>
{
    private static readonly string[] Services = ["postgres", "migrations", "api", "proxy"];

    [Fact]
    public void The_committed_deploy_folder_is_what_the_model_generates()
    {
        var expected = Files(generated.Directory);
        var committed = Files(GeneratedDeployment.Committed);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), committed.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, text) in expected)
        {
            Assert.True(text == committed[path], $"deploy/{path} differs from what the AppHost generates: regenerate it (README: Deploy)");
        }
    }

    [Fact]
    public void Compose_publishes_only_the_proxy()
    {
        var services = generated.Compose().Map("services");

        Assert.Equal(Services, services.Entries().Select(s => s.Key));
        Assert.Equal(["proxy"], services.Entries().Where(s => s.Value.Find("ports") is not null).Select(s => s.Key));
        Assert.Equal(["${RELEASY_PUBLIC_PORT:-8080}:8080"], services.Map("proxy").Seq("ports").Strings());
    }

    [Fact]
    public void Compose_starts_the_api_after_the_migrations_succeed_and_the_proxy_on_a_healthy_api()
    {
        var services = generated.Compose().Map("services");

        Assert.Equal("service_healthy", services.Map("migrations").Map("depends_on").Map("postgres").Str("condition"));
        Assert.Equal("service_completed_successfully", services.Map("api").Map("depends_on").Map("migrations").Str("condition"));
        Assert.Equal("service_healthy", services.Map("proxy").Map("depends_on").Map("api").Str("condition"));
        Assert.Equal("no", services.Map("migrations").Str("restart"));
        Assert.Contains("http://127.0.0.1:8080/health", services.Map("api").Map("healthcheck").Seq("test").Strings());
        Assert.Contains("pg_isready", services.Map("postgres").Map("healthcheck").Seq("test").Strings());
    }

    [Fact]
    public void Compose_takes_every_secret_from_the_env_file_whose_template_holds_none()
    {
        var services = generated.Compose().Map("services");
        var secrets = new[] { "POSTGRES_PASSWORD", "ADMIN_KEY" };

        Assert.Equal("${POSTGRES_PASSWORD}", services.Map("postgres").Map("environment").Str("POSTGRES_PASSWORD"));
        Assert.Equal("${ADMIN_KEY}", services.Map("api").Map("environment").Str("RELEASY_ADMIN_API_KEY"));
        foreach (var (name, service) in services.Entries())
        {
            foreach (var (variable, value) in service.Map("environment").Entries())
            {
                AssertSecretsAreReferences($"{name}.{variable}", ((YamlScalarNode)value).Value!, "${", "}");
            }
        }

        var template = generated.Read("compose/.env.example").Split('\n').Where(l => l.Contains('=') && !l.StartsWith('#')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        Assert.All(secrets, s => Assert.Equal("", template[s]));
        Assert.Equal(template.Keys.Order(StringComparer.Ordinal), Interpolated(generated.Read("compose/docker-compose.yaml")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compose_runs_every_service_as_a_non_root_user_on_a_read_only_root()
    {
        foreach (var (name, service) in generated.Compose().Map("services").Entries())
        {
            Assert.True(Regex.IsMatch(service.Str("user"), "^[1-9][0-9]*:[1-9][0-9]*$"), $"{name} runs as {service.Str("user")}");
            Assert.True(service.Str("read_only") == "true", $"{name} has a writable root filesystem");
        }
    }

    [Fact]
    public void Every_dockerfile_is_multi_stage_non_root_and_health_checked_where_it_serves()
    {
        var projects = new Dictionary<string, string> { ["migrations"] = "Releasy.MigrationService", ["api"] = "Releasy.Api", ["proxy"] = "Releasy.Proxy" };
        foreach (var (service, project) in projects)
        {
            var dockerfile = generated.Read($"docker/{service}.Dockerfile");
            Assert.Equal(2, Regex.Count(dockerfile, "^FROM ", RegexOptions.Multiline));
            Assert.Contains($"RUN dotnet publish {project}/{project}.csproj ", dockerfile, StringComparison.Ordinal);
            Assert.Contains("\nUSER $APP_UID\n", dockerfile, StringComparison.Ordinal);
            Assert.Contains(service == "migrations" ? "HEALTHCHECK NONE" : "CMD wget -q -O /dev/null http://127.0.0.1:8080/health", dockerfile, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Kubernetes_exposes_only_the_proxy_through_an_ingress()
    {
        var documents = generated.Kubernetes();

        Assert.All(Kind(documents, "Service"), s => Assert.Equal("ClusterIP", s.Map("spec").Str("type")));
        var ingress = Assert.Single(Kind(documents, "Ingress"));
        var backend = ingress.Map("spec").Seq("rules").Children.Single().Map("http").Seq("paths").Children.Single().Map("backend").Map("service");
        Assert.Equal("proxy", backend.Str("name"));
        Assert.Equal("releasy.example.com", ingress.Map("spec").Seq("rules").Children.Single().Str("host"));
    }

    [Fact]
    public void Kubernetes_gates_the_api_pods_on_the_migration_job()
    {
        var documents = generated.Kubernetes();
        var job = Assert.Single(Kind(documents, "Job"));
        var api = Named(documents, "Deployment", "api");

        var migrate = job.Map("spec").Map("template").Map("spec").Seq("containers").Children.Single();
        var gate = api.Map("spec").Map("template").Map("spec").Seq("initContainers").Children.Single();
        Assert.Equal("migrations", job.Map("metadata").Str("name"));
        Assert.Equal("wait-for-migrations", gate.Str("name"));
        // The gate is the migration worker itself, with the Job's image and settings.
        Assert.Equal(migrate.Str("image"), gate.Str("image"));
        Assert.Equal(migrate.Seq("env").ToString(), gate.Seq("env").ToString());
        Assert.Null(Named(documents, "Deployment", "proxy").Map("spec").Map("template").Map("spec").Find("initContainers"));
    }

    [Fact]
    public void Kubernetes_deployments_roll_without_losing_capacity_and_probe_the_health_routes()
    {
        foreach (var name in new[] { "api", "proxy" })
        {
            var deployment = Named(generated.Kubernetes(), "Deployment", name).Map("spec");
            var container = deployment.Map("template").Map("spec").Seq("containers").Children.Single();

            Assert.Equal("RollingUpdate", deployment.Map("strategy").Str("type"));
            Assert.Equal("0", deployment.Map("strategy").Map("rollingUpdate").Str("maxUnavailable"));
            Assert.Equal("/health", container.Map("readinessProbe").Map("httpGet").Str("path"));
            Assert.Equal("/alive", container.Map("livenessProbe").Map("httpGet").Str("path"));
            Assert.Equal(["sleep", "10"], container.Map("lifecycle").Map("preStop").Map("exec").Seq("command").Strings());
            Assert.NotNull(container.Map("resources").Map("requests").Find("memory"));
            Assert.NotNull(container.Map("resources").Map("limits").Find("memory"));
            Assert.Equal("1", Named(generated.Kubernetes(), "PodDisruptionBudget", name).Map("spec").Str("minAvailable"));
        }
    }

    [Fact]
    public void Kubernetes_runs_every_container_as_non_root_on_a_read_only_root()
    {
        var pods = generated.Kubernetes().Select(d => d.Document).Where(d => d.Find("spec")?.Find("template") is not null).ToList();

        Assert.Equal(["Deployment", "Deployment", "Job", "StatefulSet"], pods.Select(p => p.Str("kind")).Order(StringComparer.Ordinal));
        foreach (var pod in pods.Select(p => p.Map("spec").Map("template").Map("spec")))
        {
            Assert.Equal("true", pod.Map("securityContext").Str("runAsNonRoot"));
            Assert.NotEqual("0", pod.Map("securityContext").Str("runAsUser"));
            var containers = pod.Seq("containers").Children.Concat(pod.Find("initContainers") is YamlSequenceNode init ? init.Children : []);
            Assert.All(containers, c =>
            {
                Assert.Equal("true", c.Map("securityContext").Str("readOnlyRootFilesystem"));
                Assert.Equal("false", c.Map("securityContext").Str("allowPrivilegeEscalation"));
            });
        }
    }

    [Fact]
    public void Kubernetes_references_every_secret_and_writes_none()
    {
        var documents = generated.Kubernetes();

        Assert.Empty(Kind(documents, "Secret"));
        var variables = documents.Select(d => d.Document)
            .Where(d => d.Find("spec")?.Find("template") is not null)
            .SelectMany(d => d.Map("spec").Map("template").Map("spec").Seq("containers").Children
                .Concat(d.Map("spec").Map("template").Map("spec").Find("initContainers") is YamlSequenceNode init ? init.Children : []))
            .SelectMany(c => c.Seq("env").Children)
            .ToList();
        foreach (var variable in variables)
        {
            var name = variable.Str("name");
            if (variable.Find("valueFrom") is { } from)
            {
                Assert.True(from.Find("secretKeyRef") is not null || from.Find("configMapKeyRef") is not null, name);
                continue;
            }

            AssertSecretsAreReferences(name, variable.Str("value"), "$(", ")");
        }

        Assert.Contains(variables, v => v.Str("name") == "RELEASY_ADMIN_API_KEY" && v.Map("valueFrom").Map("secretKeyRef").Str("key") == "admin-key");
        Assert.All(variables.Where(v => v.Str("name").StartsWith("SECRET_", StringComparison.Ordinal)), v => Assert.Equal("releasy-secrets", v.Map("valueFrom").Map("secretKeyRef").Str("name")));
    }

    [Fact]
    public void Kubernetes_network_policies_admit_only_the_api_and_migrations_to_postgres_and_only_the_proxy_to_the_api()
    {
        var documents = generated.Kubernetes();

        Assert.Equal(["migrations", "api"], Clients(Named(documents, "NetworkPolicy", "postgres")));
        Assert.Equal(["proxy"], Clients(Named(documents, "NetworkPolicy", "api")));
        Assert.Empty(Named(documents, "NetworkPolicy", "migrations").Map("spec").Seq("ingress").Children);
        Assert.Equal("postgres", Named(documents, "NetworkPolicy", "postgres").Map("spec").Map("podSelector").Map("matchLabels").Str("app.kubernetes.io/name"));

        static List<string> Clients(YamlMappingNode policy)
        {
            var rule = policy.Map("spec").Seq("ingress").Children.Single();
            return rule.Seq("from").Children.Single().Map("podSelector").Seq("matchExpressions").Children.Single().Seq("values").Strings().ToList();
        }
    }

    [Fact]
    public void Kubernetes_keeps_postgres_in_a_stateful_set_with_a_volume_claim()
    {
        var postgres = Named(generated.Kubernetes(), "StatefulSet", "postgres").Map("spec");

        Assert.Equal("releasy-postgres-data", postgres.Seq("volumeClaimTemplates").Children.Single().Map("metadata").Str("name"));
        Assert.Contains(postgres.Map("template").Map("spec").Seq("containers").Children.Single().Seq("volumeMounts").Children,
            m => m.Str("name") == "releasy-postgres-data" && m.Str("mountPath") == "/var/lib/postgresql");
    }

    [Fact]
    public async Task One_setting_swaps_the_stateful_set_for_an_external_database_secret()
    {
        var external = await GeneratedDeployment.PublishAsync("--Deploy:Database", "External", "--Deploy:PublicUrl", "https://downloads.example.org");
        try
        {
            var documents = GeneratedDeployment.At(external).Kubernetes();
            Assert.DoesNotContain(documents, d => d.File == "postgres.yaml");
            Assert.DoesNotContain(documents, d => d.Document.Map("metadata").Str("name") == "postgres");
            var api = Named(documents, "Deployment", "api").Map("spec").Map("template").Map("spec").Seq("containers").Children.Single();
            var connection = api.Seq("env").Children.Single(v => v.Str("name") == "ConnectionStrings__releasydb").Map("valueFrom").Map("secretKeyRef");
            Assert.Equal(("releasy-database", "connection-string"), (connection.Str("name"), connection.Str("key")));
            var values = api.Seq("env").Children.Select(v => v.StrOrNull("value") ?? "").ToList();
            Assert.DoesNotContain(values, v => v == "postgres" || v.Contains("Host=postgres", StringComparison.Ordinal) || v.Contains("//postgres", StringComparison.Ordinal) || v.Contains("@postgres", StringComparison.Ordinal));
            Assert.Equal(["proxy"], Named(documents, "NetworkPolicy", "api").Map("spec").Seq("ingress").Children.Single().Seq("from").Children.Single().Map("podSelector").Seq("matchExpressions").Children.Single().Seq("values").Strings());
            Assert.Equal("https://downloads.example.org", api.Seq("env").Children.Single(v => v.Str("name") == "RELEASY_PUBLIC_BASE_URL").Str("value"));
        }
        finally
        {
            Directory.Delete(external, recursive: true);
        }
    }

    [Fact]
    public void The_blue_green_variant_runs_two_colours_behind_one_service_selecting_blue()
    {
        var documents = Variant("blue-green");

        Assert.Equal(["api-blue", "api-green"], Kind(documents, "Deployment").Select(d => d.Map("metadata").Str("name")).Where(n => n.StartsWith("api", StringComparison.Ordinal)));
        var selector = Named(documents, "Service", "api").Map("spec").Map("selector");
        Assert.Equal("blue", selector.Str("colour"));
        Assert.Equal("api", selector.Str("app.kubernetes.io/name"));
        Assert.Equal("green", Named(documents, "Deployment", "api-green").Map("spec").Map("selector").Map("matchLabels").Str("colour"));
        Assert.Contains(Kind(documents, "Job"), j => j.Map("metadata").Str("name") == "migrations");
    }

    [Fact]
    public void The_rainbow_variant_gives_each_colour_its_service_and_the_proxy_its_routes()
    {
        var documents = Variant("rainbow");
        var proxyEnv = Named(documents, "Deployment", "proxy").Map("spec").Map("template").Map("spec").Seq("containers").Children.Single().Seq("env").Children;

        Assert.Contains(proxyEnv, v => v.Str("name") == "Rollout__DefaultColour" && v.Str("value") == "blue");
        foreach (var colour in new[] { "blue", "green", "red" })
        {
            Assert.Equal(colour, Named(documents, "Service", $"api-{colour}").Map("spec").Map("selector").Str("colour"));
            Assert.Equal(colour, Named(documents, "Deployment", $"api-{colour}").Map("spec").Map("template").Map("metadata").Map("labels").Str("colour"));
            Assert.Contains(proxyEnv, v => v.Str("name") == $"Rollout__Colours__{colour}__0" && v.Str("value") == $"http://api-{colour}:8080");
        }
    }

    private List<(string File, YamlMappingNode Document)> Variant(string name) =>
        GeneratedDeployment.At(Path.Combine(generated.Directory, "kubernetes", "variants", name)).KubernetesHere();

    private static IEnumerable<YamlMappingNode> Kind(List<(string File, YamlMappingNode Document)> documents, string kind) =>
        documents.Select(d => d.Document).Where(d => d.Str("kind") == kind);

    private static YamlMappingNode Named(List<(string File, YamlMappingNode Document)> documents, string kind, string name) =>
        Kind(documents, kind).Single(d => d.Map("metadata").Str("name") == name);

    /// <summary>A password in a value is a reference (<c>${X}</c>, <c>$(X)</c>), never text.</summary>
    private static void AssertSecretsAreReferences(string where, string value, string open, string close)
    {
        foreach (Match m in SecretInValue().Matches(value))
        {
            var secret = m.Groups["secret"].Value;
            Assert.True(secret.StartsWith(open, StringComparison.Ordinal) && secret.EndsWith(close, StringComparison.Ordinal), $"{where} holds a secret as text: {value}");
        }

        if (where.EndsWith("PASSWORD", StringComparison.Ordinal) || where.EndsWith("_KEY", StringComparison.Ordinal))
        {
            Assert.Matches($"^{Regex.Escape(open)}[A-Z_]+{Regex.Escape(close)}$", value);
        }
    }

    private static HashSet<string> Interpolated(string compose) =>
        InterpolatedName().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();

    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);

    [GeneratedRegex(@"(?:Password=|postgres:)(?<secret>[^;@]+)[;@]")]
    private static partial Regex SecretInValue();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex InterpolatedName();
}
