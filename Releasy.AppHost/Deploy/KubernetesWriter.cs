using static Releasy.AppHost.Deploy.Yaml;

namespace Releasy.AppHost.Deploy;

/// <summary>The name and labels of one set of pods of a service; a rollout colour gives a service several.</summary>
public sealed record Workload(string Name, IReadOnlyDictionary<string, string> Labels)
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ColourLabel = "colour";

    public static Workload For(DeployService service, string? colour = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var labels = new Dictionary<string, string> { [NameLabel] = service.Name, ["app.kubernetes.io/part-of"] = "releasy" };
        if (colour is not null)
        {
            labels[ColourLabel] = colour;
        }

        return new Workload(colour is null ? service.Name : $"{service.Name}-{colour}", labels);
    }
}

/// <summary>
/// Kubernetes manifests, one file per service plus the network policies. Secrets are referenced by name
/// (<c>releasy-secrets</c>, and <c>releasy-database</c> for an external database) and never written.
/// </summary>
public sealed class KubernetesWriter(DeployTopology topology, DeploymentOptions options)
{
    public const string SecretName = "releasy-secrets";
    public const string ExternalDatabaseSecret = "releasy-database";
    public const string ExternalDatabaseKey = "connection-string";
    public const string TelemetryConfigMap = "releasy-telemetry";
    private const string ConnectionStringsPrefix = "ConnectionStrings__";

    // Long enough for the endpoints controller and the proxies in front to stop sending new requests to a pod
    // that is terminating; the grace period covers that pause, the service's own drain and its requests in flight.
    private const int PreStopPauseSeconds = 10;
    private const int GracePeriodSeconds = PreStopPauseSeconds + DeployConventions.ServiceStopSeconds + 8;

    /// <summary>The services the deployment leaves out: PostgreSQL, when the database is external.</summary>
    private readonly HashSet<string> _omitted = options.Database == DatabaseMode.External
        ? topology.Services.Where(s => s.DatabaseServer is not null).Select(s => s.Name).ToHashSet()
        : [];

    public IReadOnlyDictionary<string, string> Write()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in topology.Services.Where(s => !_omitted.Contains(s.Name)))
        {
            files[$"{service.Name}.yaml"] = Yaml.Write(DeployConventions.GeneratedHeader, Documents(service));
        }

        files["network-policies.yaml"] = Yaml.Write(DeployConventions.GeneratedHeader,
            topology.Services.Where(s => !_omitted.Contains(s.Name)).Select(NetworkPolicy));
        foreach (var (path, text) in Variants(files))
        {
            files[path] = text;
        }

        return files;
    }

    /// <summary>
    /// Rollout variants, each a complete folder (the base files, with the coloured service's and the public
    /// service's replaced): <c>blue-green</c>, two colours behind one Service whose selector picks the live one;
    /// <c>rainbow</c>, a Deployment and a Service per colour, the public service routing by colour
    /// (<c>Rollout__DefaultColour</c>, <c>Rollout__Colours__&lt;colour&gt;__0</c>). The coloured service is the
    /// long-running one the public service addresses.
    /// </summary>
    private List<(string Path, string Text)> Variants(IReadOnlyDictionary<string, string> baseFiles)
    {
        var front = topology.Services.SingleOrDefault(s => s.IsPublic);
        var coloured = topology.Services.SingleOrDefault(s => s.IsProject && !s.IsPublic && s.Http is not null
            && !topology.RunsToCompletion(s) && front is not null && topology.ClientsOf(s).Contains(front));
        if (front is null || coloured is null)
        {
            return [];
        }

        var blueGreen = new Dictionary<string, string>(baseFiles)
        {
            [$"{coloured.Name}.yaml"] = Yaml.Write(DeployConventions.GeneratedHeader, ColouredDocuments(coloured, ["blue", "green"], live: "blue", servicePerColour: false)),
        };

        var http = coloured.Http!;
        var routes = new List<object>
        {
            Map(("name", "Rollout__DefaultColour"), ("value", options.RolloutColours[0])),
        };
        routes.AddRange(options.RolloutColours.Select(c => (object)Map(("name", $"Rollout__Colours__{c}__0"), ("value", $"{http.Scheme}://{coloured.Name}-{c}:{http.Port}"))));
        var rainbow = new Dictionary<string, string>(baseFiles)
        {
            [$"{coloured.Name}.yaml"] = Yaml.Write(DeployConventions.GeneratedHeader, ColouredDocuments(coloured, options.RolloutColours, live: null, servicePerColour: true)),
            [$"{front.Name}.yaml"] = Yaml.Write(DeployConventions.GeneratedHeader, Documents(front, routes)),
        };

        return [.. Folder("variants/blue-green", blueGreen), .. Folder("variants/rainbow", rainbow)];

        static IEnumerable<(string, string)> Folder(string folder, Dictionary<string, string> files) =>
            files.Where(f => !f.Key.StartsWith("variants/", StringComparison.Ordinal)).Select(f => ($"{folder}/{f.Key}", f.Value));
    }

    /// <summary>
    /// A Deployment and a disruption budget per colour; a Service per colour when asked; and the service's own
    /// Service, selecting the <paramref name="live"/> colour, or every colour when none is named.
    /// </summary>
    private List<object> ColouredDocuments(DeployService service, IReadOnlyList<string> colours, string? live, bool servicePerColour)
    {
        var documents = new List<object>(service.Volumes.Select(v => VolumeClaim(service, v)));
        foreach (var colour in colours)
        {
            var pods = Workload.For(service, colour);
            documents.Add(Deployment(service, pods));
            if (servicePerColour)
            {
                documents.Add(Service(service, pods, pods.Labels));
            }

            documents.Add(DisruptionBudget(pods));
        }

        var all = Workload.For(service);
        var selector = new Dictionary<string, string>(all.Labels);
        if (live is not null)
        {
            selector[Workload.ColourLabel] = live;
        }

        documents.Add(Service(service, all, selector));
        return documents;
    }

    private List<object> Documents(DeployService service, IEnumerable<object>? extraEnvironment = null)
    {
        if (service.DatabaseServer is not null)
        {
            var workload = Workload.For(service);
            return [Service(service, workload, workload.Labels), DatabaseStatefulSet(service, workload)];
        }

        if (!service.IsProject)
        {
            throw new DistributedApplicationException($"deployment files: the container '{service.Name}' has no Kubernetes form");
        }

        if (topology.RunsToCompletion(service))
        {
            return [Job(service)];
        }

        var pods = Workload.For(service);
        var documents = new List<object>(service.Volumes.Select(v => VolumeClaim(service, v)))
        {
            Deployment(service, pods, extraEnvironment),
            Service(service, pods, pods.Labels),
            DisruptionBudget(pods),
        };
        if (service.IsPublic)
        {
            documents.Add(Ingress(service));
        }

        return documents;
    }

    /// <summary>The pods of a long-running service, with probes, a rolling update that never lowers capacity, and a drain pause.</summary>
    public Dictionary<string, object> Deployment(DeployService service, Workload workload, IEnumerable<object>? extraEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(workload);
        var container = Container(service, service.Name, extraEnvironment);
        container.Add("lifecycle", Map(("preStop", Map(("exec", Map(("command", new List<string> { "sleep", $"{PreStopPauseSeconds}" })))))));

        // A service that waits for a one-shot task's completion runs that task first, as an init container. The
        // migration worker is idempotent (it takes a migration lock and applies nothing when the schema is
        // current), so the pod starts only on a current schema: this gate needs no RBAC to read Jobs, no extra
        // image, and still holds once a finished Job has been cleaned up.
        var gates = service.DependsOn
            .Where(d => d.Condition == StartCondition.Completed)
            .Select(d => (object)Container(topology[d.Service], $"wait-for-{d.Service}"))
            .ToList();

        return Map(
            ("apiVersion", "apps/v1"),
            ("kind", "Deployment"),
            ("metadata", Metadata(workload.Name, workload.Labels)),
            ("spec", Map(
                ("replicas", options.Replicas),
                ("revisionHistoryLimit", 5),
                ("selector", Map(("matchLabels", workload.Labels))),
                ("strategy", Map(("type", "RollingUpdate"), ("rollingUpdate", Map(("maxUnavailable", 0), ("maxSurge", 1))))),
                ("template", Map(
                    ("metadata", Map(("labels", workload.Labels))),
                    ("spec", PodSpec(service, container, gates, restartPolicy: null, GracePeriodSeconds)))))));
    }

    public static Dictionary<string, object> Service(DeployService service, Workload workload, IReadOnlyDictionary<string, string> selector)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(workload);
        return Map(
            ("apiVersion", "v1"),
            ("kind", "Service"),
            ("metadata", Metadata(workload.Name, workload.Labels)),
            ("spec", Map(
                ("type", "ClusterIP"),
                ("selector", selector),
                ("ports", service.Endpoints.Select(e => (object)Map(("name", e.Name), ("port", e.Port), ("targetPort", e.Name))).ToList()))));
    }

    public static Dictionary<string, object> DisruptionBudget(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return Map(
            ("apiVersion", "policy/v1"),
            ("kind", "PodDisruptionBudget"),
            ("metadata", Metadata(workload.Name, workload.Labels)),
            ("spec", Map(("minAvailable", 1), ("selector", Map(("matchLabels", workload.Labels))))));
    }

    private Dictionary<string, object> Job(DeployService service)
    {
        var workload = Workload.For(service);
        return Map(
            ("apiVersion", "batch/v1"),
            ("kind", "Job"),
            ("metadata", Metadata(service.Name, workload.Labels)),
            ("spec", Map(
                ("backoffLimit", 6),
                ("activeDeadlineSeconds", 900),
                ("template", Map(
                    ("metadata", Map(("labels", workload.Labels))),
                    ("spec", PodSpec(service, Container(service, service.Name), [], "OnFailure", GracePeriodSeconds)))))));
    }

    private Dictionary<string, object> DatabaseStatefulSet(DeployService service, Workload workload)
    {
        var container = Container(service, service.Name);
        var claims = service.Volumes.Select(v => (object)Map(
            ("metadata", Map(("name", v.Name))),
            ("spec", Map(("accessModes", new List<string> { "ReadWriteOnce" }), ("resources", Map(("requests", Map(("storage", "10Gi"))))))))).ToList();
        return Map(
            ("apiVersion", "apps/v1"),
            ("kind", "StatefulSet"),
            ("metadata", Metadata(service.Name, workload.Labels)),
            ("spec", Map(
                ("serviceName", service.Name),
                ("replicas", 1),
                ("selector", Map(("matchLabels", workload.Labels))),
                ("template", Map(
                    ("metadata", Map(("labels", workload.Labels))),
                    ("spec", PodSpec(service, container, [], restartPolicy: null, 60)))),
                ("volumeClaimTemplates", claims))));
    }

    private Dictionary<string, object> Ingress(DeployService service)
    {
        var http = service.Http!;
        var host = options.PublicUrl.Host;
        return Map(
            ("apiVersion", "networking.k8s.io/v1"),
            ("kind", "Ingress"),
            ("metadata", Metadata(service.Name, Workload.For(service).Labels)),
            ("spec", Map(
                ("tls", options.PublicUrl.Scheme == "https" ? new List<object> { Map(("hosts", new List<string> { host }), ("secretName", "releasy-tls")) } : null),
                ("rules", new List<object>
                {
                    Map(("host", host), ("http", Map(("paths", new List<object>
                    {
                        Map(("path", "/"), ("pathType", "Prefix"), ("backend", Map(("service", Map(("name", service.Name), ("port", Map(("name", http.Name))))))))
                    })))),
                }))));
    }

    private static Dictionary<string, object> VolumeClaim(DeployService service, DeployVolume volume) => Map(
        ("apiVersion", "v1"),
        ("kind", "PersistentVolumeClaim"),
        ("metadata", Metadata(volume.Name, Workload.For(service).Labels)),
        // Every replica mounts it: the storage class must offer ReadWriteMany.
        ("spec", Map(("accessModes", new List<string> { "ReadWriteMany" }), ("resources", Map(("requests", Map(("storage", "10Gi"))))))));

    /// <summary>
    /// Who may connect: a service's pods accept connections only from the services whose settings address it;
    /// the public service from anywhere on its HTTP port (the ingress controller); a one-shot task from no one.
    /// </summary>
    private Dictionary<string, object> NetworkPolicy(DeployService service)
    {
        var workload = Workload.For(service);
        List<object> rules;
        if (service.IsPublic)
        {
            rules = [Map(("ports", Ports(service)))];
        }
        else
        {
            var clients = topology.ClientsOf(service).Where(c => !_omitted.Contains(c.Name)).Select(c => c.Name).ToList();
            rules = clients.Count == 0 ? [] :
            [
                Map(
                    ("from", new List<object>
                    {
                        Map(("podSelector", Map(("matchExpressions", new List<object>
                        {
                            Map(("key", Workload.NameLabel), ("operator", "In"), ("values", clients)),
                        })))),
                    }),
                    ("ports", Ports(service))),
            ];
        }

        return Map(
            ("apiVersion", "networking.k8s.io/v1"),
            ("kind", "NetworkPolicy"),
            ("metadata", Metadata(service.Name, workload.Labels)),
            ("spec", Map(
                ("podSelector", Map(("matchLabels", new Dictionary<string, string> { [Workload.NameLabel] = service.Name }))),
                ("policyTypes", new List<string> { "Ingress" }),
                ("ingress", rules))));

        static List<object> Ports(DeployService service) =>
            service.Endpoints.Select(e => (object)Map(("protocol", "TCP"), ("port", e.Port))).ToList();
    }

    private static Dictionary<string, object> PodSpec(DeployService service, Dictionary<string, object> container, List<object> initContainers, string? restartPolicy, int gracePeriod)
    {
        var user = DeployConventions.UserId(service);
        var volumes = DeployConventions.ScratchDirectories(service)
            .Select(d => (object)Map(("name", ScratchVolumeName(d)), ("emptyDir", Map())))
            .Concat(service.DatabaseServer is null
                ? service.Volumes.Select(v => (object)Map(("name", v.Name), ("persistentVolumeClaim", Map(("claimName", v.Name)))))
                : [])
            .ToList();
        return Map(
            ("restartPolicy", restartPolicy),
            ("automountServiceAccountToken", false),
            // The environment is exactly the model's: no Docker-link variables for every Service in the namespace.
            ("enableServiceLinks", false),
            ("terminationGracePeriodSeconds", gracePeriod),
            ("securityContext", Map(
                ("runAsNonRoot", true),
                ("runAsUser", user),
                ("runAsGroup", user),
                ("fsGroup", user),
                ("seccompProfile", Map(("type", "RuntimeDefault"))))),
            ("initContainers", initContainers.Count > 0 ? initContainers : null),
            ("containers", new List<object> { container }),
            ("volumes", volumes));
    }

    private Dictionary<string, object> Container(DeployService service, string name, IEnumerable<object>? extraEnvironment = null)
    {
        var http = service.Http;
        var mounts = DeployConventions.ScratchDirectories(service)
            .Select(d => (object)Map(("name", ScratchVolumeName(d)), ("mountPath", d)))
            .Concat(service.Volumes.Select(v => (object)Map(("name", v.Name), ("mountPath", v.Target))))
            .ToList();
        var isDatabase = service.DatabaseServer is not null;
        return Map(
            ("name", name),
            ("image", service.IsProject ? $"{options.ImagePrefix}/{service.Name}:{options.ImageTag}" : service.Image),
            ("ports", service.Endpoints.Count > 0 && name == service.Name
                ? service.Endpoints.Select(e => (object)Map(("name", e.Name), ("containerPort", e.Port))).ToList()
                : null),
            ("env", Environment(service).Concat(extraEnvironment ?? []).ToList()),
            ("readinessProbe", name == service.Name ? Probe(service, DeployConventions.HealthPath, 5) : null),
            ("livenessProbe", name == service.Name ? Probe(service, DeployConventions.AlivePath, 10) : null),
            ("resources", isDatabase
                ? Resources("250m", "256Mi", "1", "1Gi")
                : Resources("100m", "128Mi", "1", "512Mi")),
            ("securityContext", Map(
                ("allowPrivilegeEscalation", false),
                ("readOnlyRootFilesystem", true),
                ("capabilities", Map(("drop", new List<string> { "ALL" }))))),
            ("volumeMounts", mounts));

        static Dictionary<string, object> Resources(string cpu, string memory, string cpuLimit, string memoryLimit) => Map(
            ("requests", Map(("cpu", cpu), ("memory", memory))),
            ("limits", Map(("cpu", cpuLimit), ("memory", memoryLimit))));

        Dictionary<string, object>? Probe(DeployService service, string path, int period)
        {
            if (!service.HasHealthCheck)
            {
                return null;
            }

            var action = service.DatabaseServer is not null
                ? Map(("exec", Map(("command", DeployConventions.HealthCommand(service).ToList()))))
                : Map(("httpGet", Map(("path", path), ("port", http!.Name))));
            action.Add("periodSeconds", period);
            action.Add("timeoutSeconds", 3);
            action.Add("failureThreshold", 3);
            return action;
        }
    }

    /// <summary>
    /// The model's variables. A variable that is one secret reads it from the Secret; a secret inside a longer
    /// value (a connection string) is read into a helper variable first and spliced in with <c>$(NAME)</c>.
    /// </summary>
    private List<object> Environment(DeployService service)
    {
        var omittedSecrets = _omitted.SelectMany(o => topology[o].Secrets).Select(s => s.Parameter).ToHashSet();
        // Aspire adds a reference's connection properties as <NAME>_HOST, <NAME>_USERNAME, ... beside
        // ConnectionStrings__<name>: they describe the left-out server, the external connection string replaces them.
        var omittedProperties = service.Environment
            .Where(v => v.ConnectionStringOf is { } owner && _omitted.Contains(owner) && v.Name.StartsWith(ConnectionStringsPrefix, StringComparison.Ordinal))
            .Select(v => v.Name[ConnectionStringsPrefix.Length..].ToUpperInvariant() + "_")
            .ToList();
        var variables = new List<object>();
        var helpers = new List<object>();
        foreach (var variable in service.Environment)
        {
            if (variable.ConnectionStringOf is { } owner && _omitted.Contains(owner))
            {
                variables.Add(SecretVariable(variable.Name, ExternalDatabaseSecret, ExternalDatabaseKey));
                continue;
            }

            if (variable.Value.ReferencedResources.Any(_omitted.Contains) || variable.Value.Secrets.Any(s => omittedSecrets.Contains(s.Parameter))
                || omittedProperties.Any(p => variable.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                // A setting of the left-out server (its host, port, password): the connection string replaces it.
                continue;
            }

            if (variable.Value.AsSingleSecret is { } secret)
            {
                variables.Add(SecretVariable(variable.Name, SecretName, secret.Parameter));
                continue;
            }

            foreach (var spliced in variable.Value.Secrets)
            {
                var helper = HelperName(spliced);
                if (!helpers.OfType<Dictionary<string, object>>().Any(h => (string)h["name"] == helper))
                {
                    helpers.Add(SecretVariable(helper, SecretName, spliced.Parameter));
                }
            }

            variables.Add(Map(("name", variable.Name), ("value", variable.Value.Render(Render))));
        }

        if (service.DatabaseServer is { } server)
        {
            variables.Add(Map(("name", "POSTGRES_DB"), ("value", DeployConventions.SingleDatabase(service, server))));
        }

        if (service.IsProject)
        {
            variables.Add(Map(("name", "OTEL_SERVICE_NAME"), ("value", service.Name)));
            variables.Add(Map(("name", "OTEL_EXPORTER_OTLP_ENDPOINT"), ("valueFrom", Map(("configMapKeyRef",
                Map(("name", TelemetryConfigMap), ("key", "otlp-endpoint"), ("optional", true)))))));
        }

        return [.. helpers, .. variables];
    }

    private string Render(ValuePart part) => part switch
    {
        // Kubernetes expands $(NAME) in values; $$ keeps a literal dollar.
        TextPart text => text.Text.Replace("$", "$$", StringComparison.Ordinal),
        SecretPart secret => $"$({HelperName(secret)})",
        EndpointPart endpoint when DeployConventions.IsPublicUrl(topology, endpoint) => options.PublicUrl.GetLeftPart(UriPartial.Authority),
        EndpointPart endpoint => DeployConventions.InternalAddress(topology, endpoint),
        _ => throw new InvalidOperationException(part.GetType().Name),
    };

    private static string HelperName(SecretPart secret) => $"SECRET_{secret.Variable}";

    private static Dictionary<string, object> SecretVariable(string name, string secret, string key) =>
        Map(("name", name), ("valueFrom", Map(("secretKeyRef", Map(("name", secret), ("key", key))))));

    private static string ScratchVolumeName(string directory) => directory.Trim('/').Replace('/', '-');

    private static Dictionary<string, object> Metadata(string name, IReadOnlyDictionary<string, string> labels) =>
        Map(("name", name), ("labels", labels));
}
