namespace Releasy.AppHost.Hosting.ApplicationModel;

public sealed record WaitAnnotation(IResource Resource, WaitType WaitType, int ExitCode = 0) : IResourceAnnotation;
