using System.Reflection;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

/// <summary>Collects resources; building is pure, nothing starts until the application runs.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    public const string AppHostDirectoryMetadata = "AppHostProjectDirectory";

    private readonly List<IResource> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var configuration = new ConfigurationBuilder();
        if (options.IncludeEnvironmentVariables)
        {
            configuration.AddEnvironmentVariables();
        }

        Configuration = configuration.AddCommandLine([.. options.Args]).Build();
        Operation = string.IsNullOrEmpty(Configuration["publisher"])
            ? DistributedApplicationOperation.Run
            : DistributedApplicationOperation.Publish;
        AppHostDirectory = options.AppHostDirectory ?? RecordedAppHostDirectory();
    }

    public DistributedApplicationOptions Options { get; }

    public IConfiguration Configuration { get; }

    public DistributedApplicationOperation Operation { get; }

    public string AppHostDirectory { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        var existing = _resources.FirstOrDefault(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            throw new DistributedApplicationException(
                $"Cannot add resource of type '{resource.GetType().Name}' with name '{resource.Name}' because resource of type " +
                $"'{existing.GetType().Name}' with that name already exists.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        var model = new DistributedApplicationModel(_resources);
        model.Validate(Configuration);
        var app = new DistributedApplication(model, this);
        Testing.DistributedApplicationTestingHook.OnBuilt(app);
        return app;
    }

    private static string RecordedAppHostDirectory() =>
        typeof(DistributedApplicationBuilder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == AppHostDirectoryMetadata)?.Value
        ?? throw new DistributedApplicationException($"The AppHost assembly does not record its '{AppHostDirectoryMetadata}'.");
}
