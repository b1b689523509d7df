using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

public sealed class ResourceVerbTests
{
    [Fact]
    public void AddProject_resolves_a_directory_relative_to_the_apphost_directory()
    {
        var project = TestApplications.Builder().AddProject("api", "../Releasy.Api");

        Assert.Equal("/repo/Releasy.Api/Releasy.Api.csproj", project.Resource.ProjectPath);
    }

    [Fact]
    public void A_resource_name_must_be_lowercase_kebab()
    {
        var error = Assert.Throws<ArgumentException>(() => TestApplications.Builder().AddProject("Api_1", "../Releasy.Api"));

        Assert.StartsWith("Resource name 'Api_1' is invalid: use 1 to 64 lowercase letters, digits and hyphens, starting with a letter.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithReplicas_refuses_fewer_than_one()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => api.WithReplicas(0));

        Assert.StartsWith("The 'api' resource needs at least 1 replica, not 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithHttpEndpoint_refuses_a_second_endpoint_with_the_same_name()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api").WithHttpEndpoint();

        var error = Assert.Throws<InvalidOperationException>(() => api.WithHttpEndpoint(port: 5000));

        Assert.Equal("The 'api' resource already has an endpoint named 'http'.", error.Message);
    }

    [Fact]
    public void WithExternalHttpEndpoints_needs_an_endpoint()
    {
        var proxy = TestApplications.Builder().AddProject("proxy", "../Releasy.Proxy");

        var error = Assert.Throws<InvalidOperationException>(() => proxy.WithExternalHttpEndpoints());

        Assert.Equal("The 'proxy' resource has no http endpoint to expose; call WithHttpEndpoint() first.", error.Message);
    }

    [Fact]
    public void WithExternalHttpEndpoints_marks_the_http_endpoints_external()
    {
        var proxy = TestApplications.Builder().AddProject("proxy", "../Releasy.Proxy").WithHttpEndpoint().WithExternalHttpEndpoints();

        Assert.True(Assert.Single(proxy.Resource.GetEndpoints()).IsExternal);
    }

    [Fact]
    public void WithHttpHealthCheck_needs_the_endpoint_it_probes()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api");

        var error = Assert.Throws<InvalidOperationException>(() => api.WithHttpHealthCheck("/health"));

        Assert.Equal("The 'api' resource has no endpoint named 'http'; call WithHttpEndpoint() before WithHttpHealthCheck().", error.Message);
    }

    [Fact]
    public void WithHttpHealthCheck_records_path_and_endpoint()
    {
        var api = TestApplications.Builder().AddProject("api", "../Releasy.Api").WithHttpEndpoint().WithHttpHealthCheck("/health");

        Assert.Equal(new HttpHealthCheckAnnotation("/health", "http"), api.Resource.GetHttpHealthCheck());
    }
}
