namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>
/// A value known only when the application runs. The manifest keeps it as an expression such as
/// <c>{api.bindings.http.url}</c>; the orchestrator resolves it to the real value.
/// </summary>
public interface IManifestExpressionProvider
{
    string ValueExpression { get; }
}
