using System.Text;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Releasy.Proxy.Rollouts;

/// <summary>
/// Sends a request to its colour's cluster: the one named by <c>X-Releasy-Version</c>, else the one its API key's
/// prefix is assigned to, else the route's (the default colour). A named colour that is not live is a 400 in the
/// error envelope. Runs first in the proxy pipeline, so retries and load balancing work within the chosen colour.
/// Without colours (the route's cluster carries no colour) it does nothing, and the header is ignored.
/// </summary>
public static class ColourRouting
{
    public const string VersionHeader = "X-Releasy-Version";
    public const string UnknownVersionMessage = "unknown release version: ";
    private const int MaxEchoedLength = 32;

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Cluster.Config.Metadata?.ContainsKey(RolloutProxyConfiguration.ColourMetadata) != true)
        {
            await next();
            return;
        }

        var clusters = context.RequestServices.GetRequiredService<IProxyStateLookup>();
        // As for every header (the contract's 1.10): the first occurrence, trimmed; empty counts as absent.
        var name = context.Request.Headers[VersionHeader].FirstOrDefault()?.Trim();
        if (!string.IsNullOrEmpty(name))
        {
            if (!RolloutRules.IsColourName(name) || !clusters.TryGetCluster(RolloutProxyConfiguration.ClusterIdOf(name), out var named))
            {
                await ProxyErrors.WriteAsync(context, StatusCodes.Status400BadRequest, UnknownVersionMessage + Sanitise(name));
                return;
            }

            Reassign(context, proxy, named);
        }
        else if (AssignedColour(context) is { } assigned &&
            clusters.TryGetCluster(RolloutProxyConfiguration.ClusterIdOf(assigned), out var cluster))
        {
            Reassign(context, proxy, cluster);
        }

        await next();
    }

    /// <summary>The colour the caller's API key prefix is assigned to, if any.</summary>
    private static string? AssignedColour(HttpContext context)
    {
        var rules = context.RequestServices.GetRequiredService<RolloutProxyConfiguration>().Rules;
        return rules.Assignments.Count > 0 && ProxyRateLimiting.ApiKeyLookupPrefix(context.Request.Headers) is { } prefix &&
            rules.Assignments.TryGetValue(prefix, out var colour)
            ? colour
            : null;
    }

    private static void Reassign(HttpContext context, IReverseProxyFeature proxy, ClusterState cluster)
    {
        if (!ReferenceEquals(proxy.Cluster, cluster.Model))
        {
            context.ReassignProxyRequest(cluster);
        }
    }

    /// <summary>The requested name as it may appear in a message: short, and only harmless characters.</summary>
    public static string Sanitise(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(Math.Min(name.Length, MaxEchoedLength) + 3);
        foreach (var c in name.Take(MaxEchoedLength))
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '?');
        }

        return name.Length > MaxEchoedLength ? text.Append("...").ToString() : text.ToString();
    }
}
