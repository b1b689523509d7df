using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

public sealed class WaitForTests
{
    [Fact]
    public void WaitFor_adds_a_wait_until_healthy_annotation()
    {
        var builder = TestApplications.Builder();
        var db = builder.AddConnectionString("releasydb");
        var api = builder.AddProject("api", "../Releasy.Api").WaitFor(db);

        var wait = Assert.Single(api.Resource.GetWaits());

        Assert.Equal(new WaitAnnotation(db.Resource, WaitType.WaitUntilHealthy), wait);
    }

    [Fact]
    public void WaitForCompletion_records_the_expected_exit_code()
    {
        var builder = TestApplications.Builder();
        var migrations = builder.AddProject("migrations", "../Releasy.MigrationService");
        var api = builder.AddProject("api", "../Releasy.Api").WaitForCompletion(migrations, exitCode: 3);

        Assert.Equal(new WaitAnnotation(migrations.Resource, WaitType.WaitForCompletion, 3), Assert.Single(api.Resource.GetWaits()));
    }

    [Fact]
    public void A_resource_cannot_wait_for_itself()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<InvalidOperationException>(() => api.WaitFor(api));

        Assert.Equal("The 'api' resource cannot wait for itself.", error.Message);
    }

    [Fact]
    public void A_resource_cannot_wait_for_its_own_completion()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<InvalidOperationException>(() => api.WaitForCompletion(api));

        Assert.Equal("The 'api' resource cannot wait for itself.", error.Message);
    }

    [Fact]
    public void Waiting_twice_for_the_same_resource_is_refused()
    {
        var builder = TestApplications.Builder();
        var db = builder.AddConnectionString("releasydb");
        var api = builder.AddProject("api", "../Releasy.Api").WaitFor(db);

        var error = Assert.Throws<InvalidOperationException>(() => api.WaitFor(db));

        Assert.Equal("The 'api' resource already waits for 'releasydb'.", error.Message);
    }

    [Fact]
    public void Only_a_project_can_be_waited_for_to_complete()
    {
        var builder = TestApplications.Builder();
        var postgres = builder.AddPostgres("postgres");
        var api = builder.AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<InvalidOperationException>(() => api.WaitForCompletion(postgres));

        Assert.Equal("The 'api' resource cannot wait for completion of 'postgres': only a project runs to completion.", error.Message);
    }

    [Fact]
    public void Build_refuses_a_circular_wait()
    {
        var builder = TestApplications.Builder();
        var a = builder.AddProject("a", "../A");
        var b = builder.AddProject("b", "../B").WaitFor(a);
        a.WaitForCompletion(b);

        var error = Assert.Throws<DistributedApplicationException>(() => builder.Build());

        Assert.Equal("Circular wait: a -> b -> a.", error.Message);
    }

    [Fact]
    public void Waiting_for_a_database_also_waits_for_its_server_first()
    {
        var builder = TestApplications.Builder();
        var postgres = builder.AddPostgres("postgres");
        var db = postgres.AddDatabase("releasydb");
        var migrations = builder.AddProject("migrations", "../M").WaitFor(db);

        var waits = DistributedApplicationModel.EffectiveWaits(migrations.Resource).Select(w => w.Resource.Name);

        Assert.Equal(["postgres", "releasydb"], waits);
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        var builder = TestApplications.Builder();
        builder.AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<DistributedApplicationException>(() => builder.AddConnectionString("api"));

        Assert.Equal(
            "Cannot add resource of type 'ConnectionStringResource' with name 'api' because resource of type 'ProjectResource' with that name already exists.",
            error.Message);
    }
}
