namespace Releasy.AppHost.Postgres;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries (no container): what the AppHost uses in run mode, where
/// containers cannot run. Its endpoint is allocated by Aspire on loopback; its data lives in the state directory.
/// </summary>
public sealed class LocalPostgresResource(string name, string script, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    public string Script { get; } = script;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>The databases created on this server once it is ready, by resource name.</summary>
    public Dictionary<string, string> Databases { get; } = new(StringComparer.Ordinal);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}
