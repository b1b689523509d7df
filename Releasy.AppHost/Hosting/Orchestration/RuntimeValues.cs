using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Turns the model's expressions into the values of this run.</summary>
public sealed class RuntimeValues(EndpointAllocator endpoints, IConfiguration configuration, StateDirectory state)
{
    private readonly ConcurrentDictionary<string, string> _connectionStrings = new(StringComparer.Ordinal);

    public EndpointAllocator Endpoints { get; } = endpoints;

    public void SetConnectionString(IResource resource, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _connectionStrings[resource.Name] = connectionString;
    }

    public string Resolve(object value) => value switch
    {
        string text => text,
        EndpointReference e => e.Property == EndpointProperty.HostAndPort
            ? Endpoints.Get(e.Resource, e.EndpointName, e.Replica ?? 0).HostAndPort
            : Endpoints.Get(e.Resource, e.EndpointName, e.Replica ?? 0).Url,
        ConnectionStringReference c => _connectionStrings.TryGetValue(c.Resource.Name, out var cs)
            ? cs
            : throw new DistributedApplicationException(
                $"The connection string of '{c.Resource.Name}' is not known yet: the resource using it must WaitFor('{c.Resource.Name}')."),
        ParameterResource p => ResolveParameter(p),
        _ => throw new DistributedApplicationException($"Cannot resolve an environment value of type {value.GetType().Name}."),
    };

    public string ResolveParameter(ParameterResource parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var configured = configuration[parameter.ConfigurationKey]?.Trim();
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        return parameter.Generate
            ? state.GetOrCreateSecret(parameter.Name)
            : throw new DistributedApplicationException($"The parameter '{parameter.Name}' needs a value: set {parameter.ConfigurationKey}.");
    }
}
