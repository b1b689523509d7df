namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>Marker for the small immutable facts attached to a resource.</summary>
public interface IResourceAnnotation;
