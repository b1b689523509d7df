namespace Releasy.AppHost.Hosting.ApplicationModel;

public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;
