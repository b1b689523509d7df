using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Releasy.AppHost.Deploy;

public enum DatabaseMode
{
    /// <summary>PostgreSQL runs in the deployment (a Compose service, a Kubernetes StatefulSet).</summary>
    StatefulSet,

    /// <summary>A managed database outside the cluster: its connection string comes from a Secret.</summary>
    External,
}

/// <summary>
/// The choices of a deployment that the app model does not make (section <c>Deploy</c>, e.g.
/// <c>--Deploy:Database External</c> on the publishing command line).
/// </summary>
public sealed partial record DeploymentOptions
{
    public const string Section = "Deploy";

    /// <summary>Kubernetes: where PostgreSQL comes from.</summary>
    public DatabaseMode Database { get; init; } = DatabaseMode.StatefulSet;

    /// <summary>Kubernetes: the public URL of the proxy; its host is the Ingress rule's host.</summary>
    public Uri PublicUrl { get; init; } = new("http://releasy.example.com");

    /// <summary>Kubernetes: instances of each HTTP service (the PodDisruptionBudgets keep one of them up).</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>The images' repository prefix and tag, as the Dockerfiles are built and pushed.</summary>
    public string ImagePrefix { get; init; } = "releasy";

    public string ImageTag { get; init; } = "latest";

    /// <summary>Kubernetes, rainbow variant: the colours (versions) of the API; the first is the default.</summary>
    // Unset by default: the binder would add configured colours to a default list instead of replacing it.
    public string[]? Colours { get; init; }

    public IReadOnlyList<string> RolloutColours => Colours is { Length: > 0 } colours ? colours : ["blue", "green", "red"];

    public static DeploymentOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<DeploymentOptions>() ?? new DeploymentOptions();
        if (!options.PublicUrl.IsAbsoluteUri || options.PublicUrl.Scheme is not ("http" or "https"))
        {
            throw new DistributedApplicationException($"{Section}:PublicUrl must be an absolute http(s) URL");
        }

        if (options.Replicas < 1)
        {
            throw new DistributedApplicationException($"{Section}:Replicas must be at least 1");
        }

        var colours = options.RolloutColours;
        if (colours.Any(c => !ColourName().IsMatch(c)) || colours.Distinct().Count() != colours.Count)
        {
            throw new DistributedApplicationException($"{Section}:Colours must be distinct lower-case names of 1 to 32 letters, digits or '-'");
        }

        return options;
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex ColourName();
}
