namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A resource that receives environment variables.</summary>
public interface IResourceWithEnvironment : IResource;
