namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A resource that others reach with <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string as a manifest expression, e.g. <c>{postgres.connectionString};Database=releasydb</c>.</summary>
    string ConnectionStringExpression { get; }
}
