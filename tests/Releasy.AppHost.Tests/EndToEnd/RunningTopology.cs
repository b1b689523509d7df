using System.Text;
using Releasy.AppHost.Hosting;
using Releasy.AppHost.Hosting.Orchestration;
using Releasy.AppHost.Hosting.Testing;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>
/// The real topology from Program.cs (PostgreSQL from the machine's binaries, migrations, API, proxy) on free
/// loopback ports, with its combined output kept for failure messages.
/// </summary>
public sealed class RunningTopology : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly StringWriter _log;

    private RunningTopology(DistributedApplication app, StringWriter log)
    {
        App = app;
        _log = log;
    }

    public DistributedApplication App { get; }

    public string Log => _log.ToString();

    public string AdminKey => App.GetParameterValue("admin-key");

    public static DistributedApplication Build(StringWriter log, params string[] args)
    {
        RequirePostgres();
        return DistributedApplicationTestingBuilder.Create(TextWriter.Synchronized(log), args);
    }

    public static async Task<RunningTopology> StartAsync(params string[] args)
    {
        var log = new StringWriter(new StringBuilder());
        var app = Build(log, args);
        var topology = new RunningTopology(app, log);
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is DistributedApplicationException or OperationCanceledException)
        {
            await topology.DisposeAsync();
            throw new InvalidOperationException($"The topology did not start: {ex.Message}\n--- AppHost output ---\n{Tail(topology.Log)}", ex);
        }

        return topology;
    }

    public HttpClient CreateProxyClient()
    {
        var client = App.CreateHttpClient("proxy");
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", AdminKey);
        return client;
    }

    /// <summary>Every process id the AppHost reported, PostgreSQL included.</summary>
    public IReadOnlyList<int> ProcessIds => App.States.History.Where(s => s.ProcessId is not null).Select(s => s.ProcessId!.Value).Distinct().ToList();

    public static void RequirePostgres()
    {
        if (PostgresBinaries.Find(null) is null)
        {
            throw new InvalidOperationException(
                $"These tests run the topology on a real PostgreSQL, but no server binaries exist under /usr/lib/postgresql: `{PostgresBinaries.InstallHint}` installs them.");
        }
    }

    public static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    /// <summary>Each test's PostgreSQL data is tens of megabytes: remove it once the processes are gone.</summary>
    public static void DeleteState(DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration[StateDirectory.ConfigurationKey] is { } state && Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        DeleteState(App);
    }
}
