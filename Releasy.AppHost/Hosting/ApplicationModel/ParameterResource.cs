namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>
/// A value read from configuration; when <see cref="Generate"/> is set and nothing is configured, a random
/// value is generated once and kept in the AppHost's state directory.
/// </summary>
public sealed class ParameterResource(string name, string configurationKey, bool secret, bool generate)
    : Resource(name), IManifestExpressionProvider
{
    public string ConfigurationKey { get; } = configurationKey;

    public bool Secret { get; } = secret;

    public bool Generate { get; } = generate;

    public string ValueExpression => $"{{{Name}.value}}";
}
