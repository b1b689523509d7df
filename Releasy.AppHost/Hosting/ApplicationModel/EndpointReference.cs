namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>One endpoint of one resource (of one replica, when <see cref="Replica"/> is set).</summary>
public sealed record EndpointReference(
    IResourceWithEndpoints Resource, string EndpointName, EndpointProperty Property = EndpointProperty.Url, int? Replica = null)
    : IManifestExpressionProvider
{
    public string ValueExpression => Property switch
    {
        EndpointProperty.HostAndPort => $"{{{Resource.Name}.bindings.{EndpointName}.host}}:{{{Resource.Name}.bindings.{EndpointName}.port}}",
        _ => $"{{{Resource.Name}.bindings.{EndpointName}.url}}",
    };
}
