using System.Collections.ObjectModel;

namespace Releasy.AppHost.Hosting.ApplicationModel;

public sealed class ResourceAnnotationCollection : Collection<IResourceAnnotation>;
