using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Deploy;
using Releasy.AppHost.Lifecycle;
using Releasy.AppHost.Rollouts;
using Releasy.AppHost.Settings;

// The Releasy topology, in start order: database, migrations, API instances, the public proxy.
var builder = DistributedApplication.CreateBuilder(args);

IResourceBuilder<IResourceWithConnectionString> db;
IResourceBuilder<ParameterResource> adminKey;
int apiInstances;
if (builder.ExecutionContext.IsPublishMode)
{
    // A deployable description: PostgreSQL as a container with a volume, secrets generated at deployment.
    db = builder.AddPostgres("postgres").WithDataVolume("releasy-postgres-data").AddDatabase("releasydb");
    adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
    apiInstances = 1;
}
else
{
    // This machine: an external database, else a private PostgreSQL from its binaries, else SQLite; secrets in .releasy/.
    db = builder.AddLocalDatabase("postgres", "releasydb");
    adminKey = builder.AddKeptSecret("admin-key", "RELEASY_ADMIN_API_KEY");
    apiInstances = builder.Configuration.GetValue("AppHost:ApiInstances", 2);
}

var migrations = builder.AddProject<Projects.Releasy_MigrationService>("migrations")
    .WithBuiltExecutable()
    .WithReference(db).WaitFor(db);

IResourceBuilder<ProjectResource> ApiInstance(IResourceBuilder<ProjectResource> api) => api
    .WithBuiltExecutable()
    .WithHttpEndpoint()
    .WithReference(db).WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithDeploymentVolume("api-artifacts", "/var/lib/releasy/artifacts", "RELEASY_ARTIFACT_DIR")
    .WithRestartOnFailure();

var apis = builder.AddProjectInstances<Projects.Releasy_Api>("api", apiInstances, ApiInstance);
// Rollouts (run mode): a second colour of the same instances, started by the dashboard's rollout commands.
var greens = builder.AddRolloutColour<Projects.Releasy_Api>("api-green", apiInstances, ApiInstance, buildSetting: "AppHost:GreenBuild");

var proxy = builder.AddProject<Projects.Releasy_Proxy>("proxy")
    .WithBuiltExecutable()
    .WithPublicHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithInstanceReferences("api", apis)
    .WithRollouts(new ColourSet("blue", apis), new ColourSet("green", greens));

foreach (var api in apis.Concat(greens))
{
    api.WithReleasySettings(adminKey, proxy);
}

builder.ReportFailedDependencies();
builder.AddDeploymentFiles();
builder.Build().Run();
