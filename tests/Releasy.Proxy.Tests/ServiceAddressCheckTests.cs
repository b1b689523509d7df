using Microsoft.Extensions.Configuration;

namespace Releasy.Proxy.Tests;

public sealed class ServiceAddressCheckTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static void Check(IConfiguration configuration) =>
        ServiceAddressCheck.ThrowIfUnconfigured(configuration, configuration.GetSection("ReverseProxy"));

    [Fact]
    public void Accepts_a_logical_address_with_services_addresses_and_literal_addresses_without()
    {
        var configuration = Settings(
            ("ReverseProxy:Clusters:api:Destinations:api:Address", "http://api"),
            ("ReverseProxy:Clusters:api:Destinations:local:Address", "http://localhost:5000"),
            ("ReverseProxy:Clusters:api:Destinations:ip:Address", "http://10.0.0.1"),
            ("ReverseProxy:Clusters:api:Destinations:dns:Address", "https://api.example.com"),
            ("services:api:http:0", "http://127.0.0.1:5000"),
            ("services:api:http:1", "http://127.0.0.1:5001"));

        var error = Record.Exception(() => Check(configuration));

        Assert.Null(error);
    }

    [Fact]
    public void Refuses_a_logical_address_with_addresses_for_another_scheme_only_and_names_the_missing_variable()
    {
        var configuration = Settings(
            ("ReverseProxy:Clusters:api:Destinations:api:Address", "http://api"),
            ("services:api:https:0", "https://127.0.0.1:5001"));

        var error = Assert.Throws<InvalidOperationException>(() => Check(configuration));

        Assert.Equal(
            "Cluster 'api' destination 'api' points at 'http://api', but no address is configured for service 'api'. " +
            "Set services__api__http__0 (and __1, … for more instances), for example services__api__http__0=http://127.0.0.1:5000.",
            error.Message);
    }
}
