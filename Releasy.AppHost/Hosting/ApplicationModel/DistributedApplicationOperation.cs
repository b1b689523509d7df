namespace Releasy.AppHost.Hosting.ApplicationModel;

public enum DistributedApplicationOperation
{
    Run,
    Publish,
}
