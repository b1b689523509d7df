using Microsoft.Extensions.Configuration;

// The Releasy topology, in start order: database, migration job, API, public proxy.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var db = postgres.AddDatabase("releasydb");
var adminKey = builder.AddParameter("admin-key", "RELEASY_ADMIN_API_KEY", generate: true);

var migrations = builder.AddProject("migrations", "../Releasy.MigrationService")
    .WithReference(db).WaitFor(db)
    .WithReleasyPassthrough();

var api = builder.AddProject("api", "../Releasy.Api")
    .WithHttpEndpoint()
    .WithReference(db).WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithReplicas(builder.Configuration.GetValue("AppHost:ApiReplicas", 1));

var proxy = builder.AddProject("proxy", "../Releasy.Proxy")
    .WithPublicHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(api).WaitFor(api);

api.WithReleasySettings(adminKey, proxy);

builder.Build().Run();
