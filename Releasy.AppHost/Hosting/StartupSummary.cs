using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Hosting.Orchestration;

namespace Releasy.AppHost.Hosting;

/// <summary>What an operator needs once everything is up: where to connect, and the values that are not secret.</summary>
internal static class StartupSummary
{
    public static void Write(DistributedApplication app, TextWriter output)
    {
        var orchestrator = app.Orchestrator;
        void Say(string line) => ConsoleLines.Write(output, "apphost", line);
        Say("Everything is up.");
        foreach (var resource in app.Model.Resources)
        {
            foreach (var endpoint in resource.GetEndpoints())
            {
                for (var replica = 0; replica < resource.GetReplicaCount(); replica++)
                {
                    var where = endpoint.IsExternal ? "public" : "loopback only";
                    Say($"  {resource.InstanceName(replica)} ({where}): {orchestrator.Endpoints.Get(resource, endpoint.Name, replica).Url}");
                }
            }
        }

        foreach (var parameter in app.Model.Resources.OfType<ParameterResource>().Where(p => !p.Secret))
        {
            var source = string.IsNullOrEmpty(app.Configuration[parameter.ConfigurationKey])
                ? $"kept in {orchestrator.State.PathOf(parameter.Name)}"
                : $"from {parameter.ConfigurationKey}";
            Say($"  {parameter.Name}: {orchestrator.Values.ResolveParameter(parameter)} ({source})");
        }

        Say($"  state: {orchestrator.State.Root}");
        Say("Press Ctrl+C to stop.");
    }
}
