namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>The resource is healthy when a GET of <see cref="Path"/> on its endpoint answers 2xx.</summary>
public sealed record HttpHealthCheckAnnotation(string Path, string EndpointName) : IResourceAnnotation;
