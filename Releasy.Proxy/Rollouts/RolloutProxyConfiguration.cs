using Microsoft.Extensions.Primitives;

namespace Releasy.Proxy.Rollouts;

/// <summary>
/// The YARP configuration the proxy loads: the application's <c>ReverseProxy</c> section, plus, when the rollout
/// names colours, one cluster per colour (<c>colour-blue</c>, …) made from the <c>api</c> cluster's settings (health
/// checks, load balancing, metadata) with that colour's destinations, and the <c>api</c> routes sent to the default
/// colour. It rebuilds whenever the application's configuration reloads (appsettings.json, the rollout file), so YARP
/// applies the change live; a rollout that does not check out is refused and the last good one stays.
/// </summary>
public sealed class RolloutProxyConfiguration : ConfigurationProvider, IConfigurationSource, IDisposable
{
    public const string ApiClusterId = "api";
    public const string ClusterPrefix = "colour-";
    public const string ColourMetadata = "Releasy.Colour";

    private const string ProxySection = "ReverseProxy";
    private readonly IConfiguration _application;
    private readonly IDisposable _subscription;

    public RolloutProxyConfiguration(IConfiguration application)
    {
        _application = application;
        Rules = RolloutRules.Read(application);
        Data = Generate(application, Rules);
        _subscription = ChangeToken.OnChange(application.GetReloadToken, Rebuild);
    }

    /// <summary>The rules behind the current data.</summary>
    public RolloutRules Rules { get; private set; }

    /// <summary>Raised after a reload: the rules now applied, or the refused revision and why.</summary>
    public event Action<RolloutRules, string?, string?>? Reloaded;

    public static string ClusterIdOf(string colour) => ClusterPrefix + colour;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Dispose() => _subscription.Dispose();

    private void Rebuild()
    {
        try
        {
            var rules = RolloutRules.Read(_application);
            Data = Generate(_application, rules);
            Rules = rules;
            OnReload();
            Reloaded?.Invoke(rules, null, null);
        }
        catch (InvalidOperationException ex)
        {
            Reloaded?.Invoke(Rules, RolloutRules.RevisionOf(_application), ex.Message);
        }
    }

    private static Dictionary<string, string?> Generate(IConfiguration application, RolloutRules rules)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in application.GetSection(ProxySection).AsEnumerable())
        {
            if (value is not null)
            {
                data[key] = value;
            }
        }

        if (!rules.HasColours)
        {
            return data;
        }

        var template = $"{ProxySection}:Clusters:{ApiClusterId}:";
        var apiCluster = data.Where(e => e.Key.StartsWith(template, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var (key, _) in apiCluster)
        {
            data.Remove(key);
        }

        foreach (var (colour, addresses) in rules.Colours)
        {
            var cluster = $"{ProxySection}:Clusters:{ClusterIdOf(colour)}:";
            foreach (var (key, value) in apiCluster.Where(e => !e.Key.StartsWith(template + "Destinations:", StringComparison.OrdinalIgnoreCase)))
            {
                data[cluster + key[template.Length..]] = value;
            }

            data[$"{cluster}Metadata:{ColourMetadata}"] = colour;
            for (var i = 0; i < addresses.Count; i++)
            {
                data[$"{cluster}Destinations:{colour}-{i}:Address"] = addresses[i];
            }
        }

        foreach (var route in application.GetSection($"{ProxySection}:Routes").GetChildren())
        {
            if (string.Equals(route["ClusterId"], ApiClusterId, StringComparison.OrdinalIgnoreCase))
            {
                data[$"{ProxySection}:Routes:{route.Key}:ClusterId"] = ClusterIdOf(rules.DefaultColour!);
            }
        }

        return data;
    }
}
