using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// Gives every endpoint of every replica its address before anything starts, so references can be resolved
/// and a restarted replica comes back on the same port. Internal endpoints bind to loopback only.
/// </summary>
public sealed class EndpointAllocator
{
    private readonly Dictionary<(string Resource, string Endpoint, int Replica), AllocatedEndpoint> _allocated = [];

    public EndpointAllocator(DistributedApplicationModel model, Func<string, int>? freePort = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        freePort ??= AllocatedEndpoint.FreePort;
        foreach (var resource in model.Resources)
        {
            var replicas = resource.GetReplicaCount();
            foreach (var endpoint in resource.GetEndpoints())
            {
                if (endpoint.Port is not null && replicas > 1)
                {
                    throw new DistributedApplicationException(
                        $"The '{resource.Name}' resource has {replicas} replicas, so its endpoint '{endpoint.Name}' cannot use the fixed port {endpoint.Port}.");
                }

                var host = endpoint.IsExternal ? endpoint.TargetHost : ResourceBuilderExtensions.Loopback;
                for (var i = 0; i < replicas; i++)
                {
                    _allocated[(resource.Name, endpoint.Name, i)] = new AllocatedEndpoint(endpoint.Scheme, host, endpoint.Port ?? freePort(host));
                }
            }
        }
    }

    public AllocatedEndpoint Get(IResource resource, string endpointName, int replica = 0)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _allocated.TryGetValue((resource.Name, endpointName, replica), out var endpoint)
            ? endpoint
            : throw new DistributedApplicationException($"The '{resource.Name}' resource has no endpoint '{endpointName}' for replica {replica}.");
    }
}
