namespace Releasy.AppHost.Hosting.ApplicationModel;

public enum EndpointProperty
{
    /// <summary><c>http://host:port</c>.</summary>
    Url,

    /// <summary><c>host:port</c> as a listener binds it, IPv6 in brackets.</summary>
    HostAndPort,
}
