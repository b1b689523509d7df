namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>
/// What an environment callback fills in. Values are strings or <see cref="IManifestExpressionProvider"/>s,
/// which the orchestrator resolves and the manifest writes as expressions.
/// </summary>
public sealed class EnvironmentCallbackContext(DistributedApplicationOperation operation, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public DistributedApplicationOperation Operation { get; } = operation;

    /// <summary>The AppHost's own configuration (its environment and command line).</summary>
    public Microsoft.Extensions.Configuration.IConfiguration Configuration { get; } = configuration;

    public IDictionary<string, object> EnvironmentVariables { get; } = new SortedDictionary<string, object>(StringComparer.Ordinal);

    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;
}
