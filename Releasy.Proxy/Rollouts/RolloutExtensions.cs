namespace Releasy.Proxy.Rollouts;

public static class RolloutExtensions
{
    /// <summary>
    /// Adds the rollout file (<c>RELEASY_PROXY_ROLLOUT_FILE</c>), watched for changes, to the configuration, and
    /// returns the <c>ReverseProxy</c> section YARP should load: the generated one, with a cluster per colour.
    /// </summary>
    public static IConfigurationSection AddRollouts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[RolloutRules.FileVariable] is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{RolloutRules.FileVariable} names '{path}', which does not exist.");
            }

            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: true);
        }

        var generated = new RolloutProxyConfiguration(builder.Configuration);
        builder.Services.AddSingleton(generated);
        builder.Services.AddHostedService<RolloutReloadLog>();
        return new ConfigurationBuilder().Add(generated).Build().GetSection("ReverseProxy");
    }
}
