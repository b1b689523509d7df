using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting;

public interface IDistributedApplicationBuilder
{
    /// <summary>The AppHost's environment variables and command line.</summary>
    IConfiguration Configuration { get; }

    DistributedApplicationOperation Operation { get; }

    /// <summary>The AppHost's project directory: relative project paths start here.</summary>
    string AppHostDirectory { get; }

    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    DistributedApplication Build();
}
