namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>The one place where the AppHost starts processes, so everything else can be tested without them.</summary>
public interface IProcessRunner
{
    IRunningProcess Start(ProcessSpec spec);
}
