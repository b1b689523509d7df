namespace Releasy.AppHost.Hosting.ApplicationModel;

public sealed record ConnectionStringReference(IResourceWithConnectionString Resource) : IManifestExpressionProvider
{
    public string ValueExpression => $"{{{Resource.Name}.connectionString}}";
}
