using Releasy.AppHost.Tests.Infrastructure;

namespace Releasy.AppHost.Tests;

/// <summary>What the real bill of materials gives each process.</summary>
public sealed class EnvironmentTests
{
    [Fact]
    public void The_api_listens_on_loopback_with_a_port_per_replica()
    {
        var run = new RunEnvironment(TestApplications.Releasy("--AppHost:ApiReplicas=2", "--RELEASY_ADMIN_API_KEY=admin"));

        Assert.Equal("http://127.0.0.1:41001", run.For("api", 0)["ASPNETCORE_URLS"]);
        Assert.Equal("http://127.0.0.1:41002", run.For("api", 1)["ASPNETCORE_URLS"]);
    }

    [Fact]
    public void Only_the_proxy_gets_the_bind_address()
    {
        var run = new RunEnvironment(TestApplications.Releasy("--RELEASY_BIND_ADDR=0.0.0.0:0", "--RELEASY_ADMIN_API_KEY=admin"));

        Assert.Equal("0.0.0.0:41002", run.For("proxy")["RELEASY_BIND_ADDR"]);
        Assert.DoesNotContain("ASPNETCORE_URLS", run.For("proxy").Keys);
        Assert.DoesNotContain("RELEASY_BIND_ADDR", run.For("api").Keys);
        Assert.DoesNotContain("RELEASY_BIND_ADDR", run.For("migrations").Keys);
    }

    [Fact]
    public void Releasy_settings_of_the_apphost_reach_the_api_unchanged()
    {
        var run = new RunEnvironment(TestApplications.Releasy(
            "--RELEASY_API_KEY_PEPPER=pepper", "--RELEASY_OPERATOR_JWKS_URL=http://idp/jwks", "--RELEASY_ADMIN_API_KEY=admin-from-env"));

        var api = run.For("api");

        Assert.Equal("pepper", api["RELEASY_API_KEY_PEPPER"]);
        Assert.Equal("http://idp/jwks", api["RELEASY_OPERATOR_JWKS_URL"]);
        Assert.Equal("admin-from-env", api["RELEASY_ADMIN_API_KEY"]);
    }

    [Fact]
    public void The_api_gets_the_proxy_url_as_public_base_url_and_the_embedded_store_by_default()
    {
        var app = TestApplications.Releasy("--RELEASY_ADMIN_API_KEY=admin");
        var api = new RunEnvironment(app).For("api");

        Assert.Equal("http://127.0.0.1:41002", api["RELEASY_PUBLIC_BASE_URL"]);
        Assert.Equal(Path.Combine(app.Configuration["AppHost:StateDirectory"]!, "artifacts"), api["RELEASY_ARTIFACT_DIR"]);
    }

    [Fact]
    public void Configured_public_url_and_bucket_win()
    {
        var api = new RunEnvironment(TestApplications.Releasy(
            "--RELEASY_PUBLIC_BASE_URL=https://downloads.example.com", "--RELEASY_ARTIFACT_BUCKET=b", "--RELEASY_ADMIN_API_KEY=admin")).For("api");

        Assert.Equal("https://downloads.example.com", api["RELEASY_PUBLIC_BASE_URL"]);
        Assert.DoesNotContain("RELEASY_ARTIFACT_DIR", api.Keys);
    }

    [Fact]
    public void A_generated_admin_key_is_kept_in_the_state_directory()
    {
        var app = TestApplications.Releasy();

        var first = new RunEnvironment(app).For("api")["RELEASY_ADMIN_API_KEY"];
        var second = new RunEnvironment(app).For("api")["RELEASY_ADMIN_API_KEY"];

        Assert.Equal(48, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(first, File.ReadAllText(Path.Combine(app.Configuration["AppHost:StateDirectory"]!, "admin-key")));
    }

    [Fact]
    public void Every_project_gets_its_opentelemetry_identity_but_no_exporter_unless_the_apphost_has_one()
    {
        var api = new RunEnvironment(TestApplications.Releasy("--AppHost:ApiReplicas=2", "--RELEASY_ADMIN_API_KEY=admin")).For("api", 1);

        Assert.Equal("api", api["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=api-1-run1", api["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", api.Keys);
    }

    [Fact]
    public void The_otlp_exporter_settings_are_passed_on_when_the_apphost_has_an_endpoint()
    {
        var api = new RunEnvironment(TestApplications.Releasy(
            "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317", "--RELEASY_ADMIN_API_KEY=admin")).For("migrations");

        Assert.Equal("http://127.0.0.1:4317", api["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", api["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }
}
