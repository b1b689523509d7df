using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Releasy.Testing;

namespace Releasy.Api.Tests.Lifecycle;

/// <summary>
/// Drain-aware shutdown in process, on the fake clock: a stop request turns <c>/health</c> and <c>/ready</c> 503 at
/// once, the API keeps serving for the drain period, and the host stops only when the clock has passed it.
/// </summary>
public sealed class ShutdownDrainTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stop_turns_readiness_503_and_keeps_serving_until_the_drain_period_has_passed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?>
        {
            [ShutdownDrainOptions.DrainVariable] = "12",
        });
        var client = api.CreateClient();
        var admin = api.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var lifetime = api.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = Signal(lifetime.ApplicationStopped);

        lifetime.StopApplication();

        foreach (var probe in new[] { "/health", "/ready" })
        {
            await (await client.GetAsync(probe)).AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "shutting down");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/live")).StatusCode);
        await (await admin.PostJsonAsync("/v1/admin/customers", new { name = "during the drain" })).AssertOkAsync();

        api.Clock.Advance(TimeSpan.FromSeconds(11));
        await (await admin.GetAsync("/v1/admin/customers?limit=1")).AssertOkAsync();
        await (await client.GetAsync("/ready")).AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "shutting down");
        Assert.False(stopped.IsCompleted, "the host stopped before the drain period had passed");

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await stopped.WaitAsync(StopTimeout);
        Assert.Equal(1, await database.CreateContext().Customers.CountAsync(c => c.Name == "during the drain"));
    }

    [Fact]
    public async Task A_drain_of_zero_seconds_stops_without_waiting_for_the_clock()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var api = new ReleasyApiFactory(database, new Dictionary<string, string?>
        {
            [ShutdownDrainOptions.DrainVariable] = "0",
        });
        _ = api.Server;
        var host = api.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        var lifetime = api.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = Signal(lifetime.ApplicationStopped);

        lifetime.StopApplication();

        await stopped.WaitAsync(StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(ShutdownDrainOptions.DefaultGraceSeconds), host.ShutdownTimeout);
    }

    [Fact]
    public void Settings_are_read_trimmed_and_the_host_allows_the_drain_plus_the_grace_period()
    {
        var options = ShutdownDrainOptions.FromConfiguration(Configuration(new()
        {
            [ShutdownDrainOptions.DrainVariable] = " 20 ",
            [ShutdownDrainOptions.GraceVariable] = "7",
        }));

        Assert.Equal(TimeSpan.FromSeconds(20), options.Drain);
        Assert.Equal(TimeSpan.FromSeconds(27), options.ShutdownTimeout);
    }

    [Theory]
    [InlineData(ShutdownDrainOptions.DrainVariable, "-1", 0)]
    [InlineData(ShutdownDrainOptions.DrainVariable, "5s", 0)]
    [InlineData(ShutdownDrainOptions.DrainVariable, "601", 0)]
    [InlineData(ShutdownDrainOptions.GraceVariable, "0", 1)]
    public void Unusable_settings_are_refused_with_the_variable_name(string variable, string value, int min)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ShutdownDrainOptions.FromConfiguration(Configuration(new() { [variable] = value })));

        Assert.Equal($"{variable} must be a whole number of seconds between {min} and 600", error.Message);
    }

    [Fact]
    public void The_default_drain_outlasts_the_proxys_active_health_check()
    {
        var defaults = ShutdownDrainOptions.FromConfiguration(Configuration(new()));
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "Releasy.Proxy", "appsettings.json")));
        var cluster = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Clusters").GetProperty("api");
        var active = cluster.GetProperty("HealthCheck").GetProperty("Active");
        var interval = TimeSpan.Parse(active.GetProperty("Interval").GetString()!, CultureInfo.InvariantCulture);
        var timeout = TimeSpan.Parse(active.GetProperty("Timeout").GetString()!, CultureInfo.InvariantCulture);
        var failures = int.Parse(cluster.GetProperty("Metadata").GetProperty("ConsecutiveFailuresHealthPolicy.Threshold").GetString()!, CultureInfo.InvariantCulture);

        // The last probe before the flip passed; the proxy drops the API after `failures` more, each up to `timeout` long.
        Assert.True(defaults.Drain >= interval * failures + timeout, $"drain {defaults.Drain}, proxy needs {interval * failures + timeout}");
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Task Signal(CancellationToken token)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => signal.TrySetResult());
        return signal.Task;
    }
}
