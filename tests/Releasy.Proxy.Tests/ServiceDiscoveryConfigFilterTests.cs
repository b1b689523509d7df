using Microsoft.Extensions.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace Releasy.Proxy.Tests;

public sealed class ServiceDiscoveryConfigFilterTests
{
    private static ClusterConfig Cluster(params (string Id, string Address)[] destinations) => new()
    {
        ClusterId = "api",
        Destinations = destinations.ToDictionary(d => d.Id, d => new DestinationConfig { Address = d.Address }),
    };

    private static ServiceDiscoveryConfigFilter Filter(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public async Task Replaces_a_logical_address_by_one_destination_per_index_in_index_order()
    {
        var filter = Filter(
            ("services:api:http:10", "http://127.0.0.1:5010"),
            ("services:api:http:0", "http://127.0.0.1:5000"),
            ("services:api:http:2", "http://127.0.0.1:5002"));

        var cluster = await filter.ConfigureClusterAsync(Cluster(("api", "http://api")), default);

        Assert.Equal(
            ["api-0=http://127.0.0.1:5000", "api-1=http://127.0.0.1:5002", "api-2=http://127.0.0.1:5010"],
            cluster.Destinations!.Select(d => $"{d.Key}={d.Value.Address}").Order());
    }

    [Fact]
    public async Task Leaves_literal_addresses_alone()
    {
        var filter = Filter();

        var cluster = await filter.ConfigureClusterAsync(
            Cluster(("local", "http://localhost:5000"), ("ip", "http://10.0.0.1"), ("dns", "https://api.example.com")), default);

        Assert.Equal(["http://10.0.0.1", "http://localhost:5000", "https://api.example.com"],
            cluster.Destinations!.Values.Select(d => d.Address).Order());
    }

    [Fact]
    public async Task Fails_with_a_message_naming_the_missing_variable()
    {
        var filter = Filter(("services:api:https:0", "https://127.0.0.1:5001"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => filter.ConfigureClusterAsync(Cluster(("api", "http://api")), default).AsTask());

        Assert.Equal(
            "Cluster 'api' destination 'api' points at 'http://api', but no address is configured for service 'api'. " +
            "Set services__api__http__0 (and __1, … for more instances), for example services__api__http__0=http://127.0.0.1:5000.",
            error.Message);
    }
}
