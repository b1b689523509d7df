using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Releasy.AppHost.Settings;

/// <summary>
/// <c>.releasy/</c> in the working directory (or <c>AppHost:StateDirectory</c>): what must survive between runs,
/// such as the PostgreSQL data, generated secrets and the embedded artifact store.
/// </summary>
public sealed class StateDirectory(string root)
{
    public const string ConfigurationKey = "AppHost:StateDirectory";

    // Several resources resolve their environment concurrently: only one may generate a given secret.
    private static readonly Lock SecretsGate = new();

    public string Root { get; } = Path.GetFullPath(root);

    public static StateDirectory From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new StateDirectory(configuration[ConfigurationKey] ?? ".releasy");
    }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Returns the secret stored under <paramref name="name"/>, generating and storing it (mode 600) on first use.</summary>
    public string GetOrCreateSecret(string name)
    {
        lock (SecretsGate)
        {
            var path = PathOf(name);
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Trim();
            }

            Directory.CreateDirectory(Root);
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            File.WriteAllText(path, secret);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return secret;
        }
    }
}
