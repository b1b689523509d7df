using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;
using Releasy.AppHost.Hosting.Orchestration;
using Releasy.AppHost.Hosting.Publishing;

namespace Releasy.AppHost.Hosting;

/// <summary>
/// A built model. <see cref="Run"/> either writes the manifest (<c>--publisher manifest --output-path m.json</c>)
/// or runs everything until Ctrl+C/SIGTERM; tests use <see cref="StartAsync"/> and <see cref="StopAsync"/>.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _builder;
    private Orchestrator? _orchestrator;

    internal DistributedApplication(DistributedApplicationModel model, DistributedApplicationBuilder builder)
    {
        Model = model;
        _builder = builder;
    }

    public DistributedApplicationModel Model { get; }

    public IConfiguration Configuration => _builder.Configuration;

    /// <summary>Set when a test captured this application: <see cref="Run"/> then leaves the starting to the test.</summary>
    internal bool IsCapturedForTesting { get; set; }

    public Orchestrator Orchestrator => _orchestrator ?? throw new InvalidOperationException("The application has not been started.");

    public ResourceStateTracker States => Orchestrator.States;

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        new DistributedApplicationBuilder(Testing.DistributedApplicationTestingHook.CurrentOptions(args)
            ?? new DistributedApplicationOptions { Args = args });

    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async Task RunAsync()
    {
        if (IsCapturedForTesting)
        {
            return;
        }

        if (_builder.Operation == DistributedApplicationOperation.Publish)
        {
            ManifestPublisher.Publish(Model, Configuration);
            return;
        }

        using var shutdown = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; shutdown.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; shutdown.Cancel(); });
        var output = _builder.Options.Output ?? Console.Out;
        try
        {
            await StartAsync(shutdown.Token);
            StartupSummary.Write(this, output);
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            ConsoleLines.Write(output, "apphost", "Stopping…");
        }
        catch (DistributedApplicationException ex)
        {
            ConsoleLines.Write(output, "apphost", $"FAILED: {ex.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            await StopAsync();
        }
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        _orchestrator ??= new Orchestrator(Model, Configuration, _builder.Options, ProjectBuild.FromAppHostLocation());
        await _orchestrator.StartAsync(ct);
    }

    /// <summary>Writes the Aspire-format manifest of this model to <paramref name="path"/>.</summary>
    public void PublishManifest(string path) => ManifestPublisher.Write(Model, Configuration, Path.GetFullPath(path));

    public Task StopAsync() => _orchestrator?.StopAsync() ?? Task.CompletedTask;

    /// <summary>The URL of a resource's endpoint in this run, e.g. the proxy's public address.</summary>
    public Uri GetEndpoint(string resourceName, string endpointName = "http", int replica = 0) =>
        new(Orchestrator.Endpoints.Get(Model[resourceName], endpointName, replica).Url);

    /// <summary>A parameter's value in this run, e.g. the generated admin key.</summary>
    public string GetParameterValue(string name) =>
        Orchestrator.Values.ResolveParameter(Model[name] as ParameterResource
            ?? throw new InvalidOperationException($"The '{name}' resource is not a parameter."));

    public HttpClient CreateHttpClient(string resourceName, string endpointName = "http") =>
        new() { BaseAddress = GetEndpoint(resourceName, endpointName) };

    public async ValueTask DisposeAsync() => await StopAsync();
}
