namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A resource whose endpoints others find through <c>services__{name}__{scheme}__{index}</c>.</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;
