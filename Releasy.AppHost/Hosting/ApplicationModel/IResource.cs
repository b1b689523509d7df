namespace Releasy.AppHost.Hosting.ApplicationModel;

/// <summary>Anything the AppHost models: a name plus annotations that say how to run and publish it.</summary>
public interface IResource
{
    string Name { get; }

    ResourceAnnotationCollection Annotations { get; }
}
