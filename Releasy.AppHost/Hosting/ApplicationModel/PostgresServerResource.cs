namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A PostgreSQL server. Run locally from the machine's server binaries; published as a container.</summary>
public sealed class PostgresServerResource(string name, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    public const string UserName = "postgres";

    public ParameterResource Password { get; } = password;

    public string ConnectionStringExpression =>
        $"Host={{{Name}.bindings.tcp.host}};Port={{{Name}.bindings.tcp.port}};Username={UserName};Password={Password.ValueExpression}";
}
