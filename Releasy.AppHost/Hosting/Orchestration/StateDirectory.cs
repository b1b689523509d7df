using System.Security.Cryptography;

namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>
/// <c>.releasy/</c> in the working directory (or <c>AppHost:StateDirectory</c>): what must survive between runs,
/// such as the PostgreSQL data, generated secrets and the embedded artifact store.
/// </summary>
public sealed class StateDirectory
{
    public const string ConfigurationKey = "AppHost:StateDirectory";

    public StateDirectory(string root)
    {
        Root = Path.GetFullPath(root);
    }

    // Replicas resolve their environment concurrently: only one may generate a secret.
    private static readonly Lock SecretsGate = new();

    public string Root { get; }

    public static StateDirectory From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new StateDirectory(configuration[ConfigurationKey] ?? ".releasy");
    }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public void Ensure() => Directory.CreateDirectory(Root);

    /// <summary>Returns the secret stored under <paramref name="name"/>, generating and storing it (mode 600) on first use.</summary>
    public string GetOrCreateSecret(string name)
    {
        lock (SecretsGate)
        {
            return GetOrCreateSecretUnlocked(name);
        }
    }

    private string GetOrCreateSecretUnlocked(string name)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secret;
    }
}
