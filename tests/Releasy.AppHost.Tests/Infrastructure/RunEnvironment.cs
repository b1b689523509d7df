using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>
/// Computes what each process of a model would be started with, with predictable ports (41001, 41002, … in model
/// order) and a known database connection string, without starting anything.
/// </summary>
public sealed class RunEnvironment
{
    public const string ConnectionString = "Host=127.0.0.1;Port=5999;Database=releasydb;Username=postgres;Password=pw";

    private readonly DistributedApplication _app;
    private readonly ProjectEnvironment _environment;

    public RunEnvironment(DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _app = app;
        var port = 41000;
        Endpoints = new EndpointAllocator(app.Model, _ => ++port);
        var values = new RuntimeValues(Endpoints, app.Configuration, StateDirectory.From(app.Configuration));
        values.SetConnectionString(app.Model["releasydb"], ConnectionString);
        _environment = new ProjectEnvironment(values, app.Configuration, "run1");
    }

    public EndpointAllocator Endpoints { get; }

    public IReadOnlyDictionary<string, string> For(string resource, int replica = 0) => _environment.For(_app.Model[resource], replica);
}
