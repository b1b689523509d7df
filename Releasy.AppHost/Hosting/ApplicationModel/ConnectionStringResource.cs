namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A connection string given from outside, read from <c>ConnectionStrings:{name}</c>.</summary>
public sealed class ConnectionStringResource(string name) : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    public string ConfigurationKey => $"ConnectionStrings:{Name}";

    public string ConnectionStringExpression => $"{{{Name}.value}}";
}
