using System.Net;

namespace Releasy.Proxy.Tests;

public sealed class BindAddressTests
{
    [Theory]
    [InlineData("0.0.0.0:8080", "0.0.0.0", 8080)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::]:8080", "::", 8080)]
    [InlineData("[::1]:443", "::1", 443)]
    public void Accepts_a_literal_ip_and_port(string value, string address, int port)
    {
        var endpoint = BindAddress.Parse(value);

        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::1:8080")]
    [InlineData("0.0.0.0:")]
    [InlineData("0.0.0.0:99999")]
    [InlineData("")]
    public void Refuses_anything_else_with_the_contract_message(string value)
    {
        var error = Assert.Throws<FormatException>(() => BindAddress.Parse(value));

        Assert.Equal($"invalid RELEASY_BIND_ADDR: {value}", error.Message);
    }
}
