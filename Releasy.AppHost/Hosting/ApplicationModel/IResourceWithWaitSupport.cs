namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>A resource that can wait for others before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;
