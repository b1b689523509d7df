namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>Adds environment variables when the resource starts or is published, so late facts (replica counts) count.</summary>
public sealed record EnvironmentCallbackAnnotation(Action<EnvironmentCallbackContext> Callback) : IResourceAnnotation;
