using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Releasy.Proxy;

/// <summary>
/// Binds Kestrel to <c>RELEASY_BIND_ADDR</c> (replacing ASPNETCORE_URLS), with TLS when a certificate is
/// configured, applies the size limits, and gives Kestrel's own errors the envelope.
/// </summary>
public sealed class ProxyKestrelSetup(IOptions<ProxyListenOptions> listen, IOptions<ProxyLimitsOptions> limits)
    : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listenOptions = listen.Value;
        var limitOptions = limits.Value;

        options.AddServerHeader = false;
        options.Limits.MaxRequestBodySize = limitOptions.MaxRequestBodySize;
        options.Limits.MaxRequestHeadersTotalSize = limitOptions.MaxRequestHeadersTotalSize;
        options.Limits.MaxRequestHeaderCount = limitOptions.MaxRequestHeaderCount;
        options.Listen(BindAddress.Parse(listenOptions.BindAddress), endpoint =>
        {
            if (listenOptions.UseTls)
            {
                endpoint.UseHttps(listenOptions.CertificatePath!, listenOptions.CertificatePassword);
            }

            // After TLS: the filter reads the decrypted HTTP/1.x responses.
            endpoint.UseServerErrorEnvelope(ProxyErrors.ToJson);
        });
    }
}
