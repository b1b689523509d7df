using System.ComponentModel.DataAnnotations;

namespace Releasy.Proxy;

/// <summary>
/// Where the proxy listens (<c>RELEASY_BIND_ADDR</c>) and, optionally, the certificate that turns on TLS.
/// </summary>
public sealed class ProxyListenOptions : IValidatableObject
{
    public const string TlsSection = "Proxy:Tls";

    public string BindAddress { get; set; } = Releasy.Proxy.BindAddress.Default;

    /// <summary>A PFX/PKCS#12 file; empty means plain HTTP.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public bool UseTls => !string.IsNullOrWhiteSpace(CertificatePath);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Releasy.Proxy.BindAddress.TryParse(BindAddress, out _))
        {
            yield return new ValidationResult($"invalid {Releasy.Proxy.BindAddress.Variable}: {BindAddress}");
        }

        if (UseTls && !File.Exists(CertificatePath))
        {
            yield return new ValidationResult($"{TlsSection}:CertificatePath '{CertificatePath}' does not exist.");
        }
    }
}
