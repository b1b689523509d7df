namespace Releasy.AppHost.Deploy;

public enum StartCondition
{
    Started,
    Healthy,
    Completed,
}

/// <summary>An endpoint a service listens on; <see cref="External"/> when it is meant for clients outside the deployment.</summary>
public sealed record DeployEndpoint(string Name, string Scheme, int Port, bool External);

/// <summary>Persistent storage mounted at <see cref="Target"/>, shared by every instance of the service.</summary>
public sealed record DeployVolume(string Name, string Target);

public sealed record DeployDependency(string Service, StartCondition Condition);

/// <summary>
/// An environment variable of a service. <see cref="ConnectionStringOf"/> names the resource when the value is
/// exactly that resource's connection string, which a deployment may take from elsewhere (an external database).
/// </summary>
public sealed record DeployVariable(string Name, DeployValue Value, string? ConnectionStringOf = null);

/// <summary>A PostgreSQL server of the model: its account and the databases the deployment must create.</summary>
public sealed record DeployDatabaseServer(string User, IReadOnlyList<string> Databases);

/// <summary>One deployable service of the app model, in the terms every target shares.</summary>
public sealed record DeployService(
    string Name,
    string? Image,
    string? ProjectPath,
    IReadOnlyList<DeployEndpoint> Endpoints,
    IReadOnlyList<DeployVariable> Environment,
    IReadOnlyList<DeployDependency> DependsOn,
    IReadOnlyList<DeployVolume> Volumes,
    bool HasHealthCheck,
    DeployDatabaseServer? DatabaseServer)
{
    public bool IsProject => ProjectPath is not null;

    public DeployEndpoint? Http => Endpoints.FirstOrDefault(e => e.Scheme is "http" or "https");

    public bool IsPublic => Endpoints.Any(e => e.External);

    public IEnumerable<SecretPart> Secrets => Environment.SelectMany(e => e.Value.Secrets).DistinctBy(s => s.Parameter);
}

/// <summary>The deployable services of the app model, in the model's order, and who talks to whom.</summary>
public sealed record DeployTopology(IReadOnlyList<DeployService> Services)
{
    // A service whose address is not stated in the model listens where the platform's convention says.
    public const int DefaultHttpPort = 8080;

    public DeployService this[string name] => Services.Single(s => s.Name == name);

    /// <summary>Services that wait for <paramref name="service"/> to run to completion: it is a one-shot task.</summary>
    public bool RunsToCompletion(DeployService service) =>
        Services.Any(s => s.DependsOn.Any(d => d.Service == service.Name && d.Condition == StartCondition.Completed));

    /// <summary>The services whose settings address <paramref name="service"/>: the only ones that may connect to it.</summary>
    public IReadOnlyList<DeployService> ClientsOf(DeployService service) =>
        Services.Where(s => s != service && s.Environment.Any(e => e.Value.ReferencedResources.Contains(service.Name))).ToList();

    public IEnumerable<SecretPart> Secrets => Services.SelectMany(s => s.Secrets).DistinctBy(s => s.Parameter);

    /// <summary>Reads the model as it stands in publish mode: the same settings the manifest publisher writes.</summary>
    public static async Task<DeployTopology> ReadAsync(
        DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, string repositoryRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var services = new List<DeployService>();
        foreach (var resource in model.Resources)
        {
            string? image = null, projectPath = null;
            switch (resource)
            {
                case ParameterResource or IResourceWithParent:
                    // Parameters are secrets or settings of the deployment; a child (a database) lives in its parent.
                    continue;
                case ProjectResource project:
                    projectPath = Path.GetRelativePath(repositoryRoot, project.GetProjectMetadata().ProjectPath).Replace('\\', '/');
                    break;
                case ContainerResource when resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var annotation):
                    image = $"{annotation.Registry}/{annotation.Image}:{annotation.Tag}";
                    break;
                default:
                    throw new DistributedApplicationException($"deployment files: resource '{resource.Name}' ({resource.GetType().Name}) has no deployable form");
            }

            services.Add(new DeployService(
                resource.Name,
                image,
                projectPath,
                ReadEndpoints(resource),
                await ReadEnvironmentAsync(resource, executionContext, cancellationToken),
                ReadDependencies(resource),
                ReadVolumes(resource),
                resource.Annotations.OfType<HealthCheckAnnotation>().Any(),
                resource is PostgresServerResource server ? ReadDatabaseServer(model, server) : null));
        }

        return new DeployTopology(services);
    }

    private static List<DeployEndpoint> ReadEndpoints(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>()
            .Select(e => new DeployEndpoint(e.Name, e.UriScheme, e.TargetPort ?? DefaultHttpPort, e.IsExternal))
            .ToList();

    private static async Task<List<DeployVariable>> ReadEnvironmentAsync(
        IResource resource, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, resource, variables, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var environment = variables.Select(v => new DeployVariable(v.Key, DeployValueReader.Read(v.Value), v.Value switch
        {
            ConnectionStringReference reference => Root(reference.Resource).Name,
            IResourceWithConnectionString connection => Root(connection).Name,
            _ => null,
        })).ToList();
        foreach (var volume in resource.Annotations.OfType<DeploymentVolumeAnnotation>().Where(v => v.Variable is not null))
        {
            environment.Add(new DeployVariable(volume.Variable!, DeployValue.Text(volume.Target)));
        }

        return environment;
    }

    private static List<DeployDependency> ReadDependencies(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>()
            .Select(w =>
            {
                var target = Root(w.Resource);
                var condition = w.WaitType == WaitType.WaitForCompletion ? StartCondition.Completed
                    : target.Annotations.OfType<HealthCheckAnnotation>().Any() ? StartCondition.Healthy
                    : StartCondition.Started;
                return new DeployDependency(target.Name, condition);
            })
            .GroupBy(d => d.Service)
            .Select(g => g.MaxBy(d => d.Condition)!)
            .ToList();

    private static List<DeployVolume> ReadVolumes(IResource resource) =>
        resource.Annotations.OfType<ContainerMountAnnotation>()
            .Where(m => m.Type == ContainerMountType.Volume && m.Source is not null)
            .Select(m => new DeployVolume(m.Source!, m.Target))
            .Concat(resource.Annotations.OfType<DeploymentVolumeAnnotation>().Select(v => new DeployVolume(v.Name, v.Target)))
            .ToList();

    private static DeployDatabaseServer ReadDatabaseServer(DistributedApplicationModel model, PostgresServerResource server) =>
        new(server.UserNameParameter is null ? "postgres" : throw new DistributedApplicationException("deployment files: a PostgreSQL user parameter is not supported"),
            model.Resources.OfType<PostgresDatabaseResource>().Where(d => d.Parent == server).Select(d => d.DatabaseName).ToList());

    private static IResource Root(IResource resource) =>
        resource is IResourceWithParent child ? Root(child.Parent) : resource;
}
