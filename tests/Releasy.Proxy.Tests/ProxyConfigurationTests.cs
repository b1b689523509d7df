using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Releasy.Proxy.Tests.Infrastructure;
using Releasy.Testing;

namespace Releasy.Proxy.Tests;

public sealed class ProxyConfigurationTests
{
    [Fact]
    public async Task Picks_up_a_destination_added_to_its_configuration_without_a_restart()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyProcess.StartAsync(new Dictionary<string, string> { ["services__api__http__0"] = a.Url });
        using var client = proxy.CreateClient();
        Assert.Equal("a", (await client.GetFromJsonAsync<EchoResponse>("/v1/before"))!.Backend);

        var settings = JsonNode.Parse(await File.ReadAllTextAsync(proxy.SettingsPath))!;
        settings["ReverseProxy"]!["Clusters"]!["api"]!["Destinations"]!["added"] = new JsonObject { ["Address"] = b.Url };
        await File.WriteAllTextAsync(proxy.SettingsPath, settings.ToJsonString());

        await Eventually.UntilAsync(
            async () => (await client.GetFromJsonAsync<EchoResponse>("/v1/after"))!.Backend, backend => backend == "b",
            "the added destination to receive requests");
        Assert.False(proxy.HasExited);
    }

    [Fact]
    public async Task Refuses_to_start_without_a_services_api_http_address()
    {
        var (exitCode, output) = await ProxyProcess.RunToExitAsync(new Dictionary<string, string>());

        Assert.NotEqual(0, exitCode);
        Assert.Contains(
            "Cluster 'api' destination 'api' points at 'http://api', but no address is configured for service 'api'. " +
            "Set services__api__http__0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_to_start_with_a_bind_address_that_is_not_an_ip_and_port()
    {
        var (exitCode, output) = await ProxyProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["services__api__http__0"] = "http://127.0.0.1:1",
            ["RELEASY_BIND_ADDR"] = "localhost:8080",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("invalid RELEASY_BIND_ADDR: localhost:8080", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminates_tls_with_the_configured_certificate()
    {
        await using var a = await TestBackend.StartAsync("a");
        var directory = Directory.CreateTempSubdirectory("releasy-cert-");
        try
        {
            var certificate = Path.Combine(directory.FullName, "proxy.pfx");
            await File.WriteAllBytesAsync(certificate, CreateSelfSignedPfx("secret"));
            HttpMessageHandler TrustTestCertificate() => new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.Subject == "CN=releasy-proxy-test" },
            };
            await using var proxy = await ProxyProcess.StartAsync(
                new Dictionary<string, string>
                {
                    ["services__api__http__0"] = a.Url,
                    ["Proxy__Tls__CertificatePath"] = certificate,
                    ["Proxy__Tls__CertificatePassword"] = "secret",
                },
                scheme: "https",
                TrustTestCertificate);
            using var client = proxy.CreateClient(TrustTestCertificate());

            var echo = await client.GetFromJsonAsync<EchoResponse>("/v1/tls");

            Assert.Equal("https", echo!.ForwardedProto);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static byte[] CreateSelfSignedPfx(string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=releasy-proxy-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        return certificate.Export(X509ContentType.Pfx, password);
    }
}
