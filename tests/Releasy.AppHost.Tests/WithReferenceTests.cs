using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

public sealed class WithReferenceTests
{
    [Fact]
    public void Referencing_a_database_gives_its_connection_string()
    {
        var app = TestApplications.Releasy("--RELEASY_ADMIN_API_KEY=admin");

        var migrations = new RunEnvironment(app).For("migrations");

        Assert.Equal(RunEnvironment.ConnectionString, migrations["ConnectionStrings__releasydb"]);
    }

    [Fact]
    public void Referencing_a_service_gives_one_address_per_replica()
    {
        var app = TestApplications.Releasy("--AppHost:ApiReplicas=3", "--RELEASY_ADMIN_API_KEY=admin");

        var proxy = new RunEnvironment(app).For("proxy");

        Assert.Equal(
            ["services__api__http__0=http://127.0.0.1:41001", "services__api__http__1=http://127.0.0.1:41002", "services__api__http__2=http://127.0.0.1:41003"],
            proxy.Where(e => e.Key.StartsWith("services__", StringComparison.Ordinal)).Select(e => $"{e.Key}={e.Value}"));
    }

    [Fact]
    public void A_resource_cannot_reference_itself()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api").WithHttpEndpoint();

        var error = Assert.Throws<InvalidOperationException>(() => api.WithReference(api));

        Assert.Equal("The 'api' resource cannot reference itself.", error.Message);
    }

    [Fact]
    public void Build_refuses_a_reference_to_a_service_without_an_endpoint()
    {
        var builder = TestApplications.Builder();
        var worker = builder.AddProject("worker", "../Worker");
        builder.AddProject("proxy", "../Releasy.Proxy").WithReference(worker);

        var error = Assert.Throws<DistributedApplicationException>(() => builder.Build());

        Assert.Equal("The 'proxy' resource references 'worker', which has no endpoint; call WithHttpEndpoint() on 'worker'.", error.Message);
    }

    [Fact]
    public void The_manifest_form_of_a_service_reference_is_one_url_expression()
    {
        var builder = TestApplications.Builder();
        var api = builder.AddProject("api", "../Releasy.Api").WithHttpEndpoint().WithReplicas(2);
        var proxy = builder.AddProject("proxy", "../Releasy.Proxy").WithReference(api);

        var published = proxy.Resource.EvaluateEnvironment(DistributedApplicationOperation.Publish, builder.Configuration);

        var (name, value) = Assert.Single(published.EnvironmentVariables);
        Assert.Equal("services__api__http__0", name);
        Assert.Equal("{api.bindings.http.url}", ((IManifestExpressionProvider)value).ValueExpression);
    }
}
