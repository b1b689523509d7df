using System.Text.Json;
using Microsoft.Playwright;
using Releasy.AppHost.Tests.Infrastructure;
using Releasy.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>
/// The real Aspire dashboard of the topology, seen through a browser: the resources in their states, and the trace
/// of a customer download that crosses the proxy, an API instance and PostgreSQL. Screenshots are kept as artifacts.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class DashboardTests(TopologyFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] ApiInstances = ["api", "api-2"];

    private TopologyRun Run => fixture.Run;

    [Fact]
    public async Task The_resources_page_shows_every_resource_in_its_state()
    {
        await using var browser = await DashboardBrowser.OpenAsync(Run.App);
        var page = browser.Page;

        try
        {
            await ExpectRowAsync(page, "postgres", "Running");
            await ExpectRowAsync(page, "releasydb", "Running");
            await ExpectRowAsync(page, "migrations", "Finished");
            await ExpectRowAsync(page, "api", "Running");
            await ExpectRowAsync(page, "api-2", "Running");
            await ExpectRowAsync(page, "proxy", "Running");
            foreach (var name in new[] { "postgres", "api", "api-2", "proxy" })
            {
                await Expect(Row(page, name)).Not.ToContainTextAsync("Unhealthy");
            }
        }
        finally
        {
            output.WriteLine($"Resources page: {await browser.ScreenshotAsync("dashboard-resources")}");
            output.WriteLine(await RowsTextAsync(page));
        }
    }

    [Fact]
    public async Task A_customer_download_is_one_trace_through_the_proxy_the_api_and_postgres()
    {
        await DownloadAsCustomerAsync();
        using var telemetry = new HttpClient();
        await using var browser = await DashboardBrowser.OpenAsync(Run.App);
        telemetry.BaseAddress = browser.DashboardUrl;
        telemetry.DefaultRequestHeaders.Add("X-API-Key", await TelemetryApiKeyAsync());

        // Exporters send in batches: wait until the whole trace (proxy, API and database spans) has arrived.
        var trace = (await Eventually.UntilAsync(
            () => DownloadTraceAsync(telemetry),
            t => t is { HasProxy: true, HasApi: true, HasDatabase: true },
            "the download's trace with proxy, API and database spans",
            TimeSpan.FromSeconds(60)))!;
        output.WriteLine($"trace {trace.TraceId}: {string.Join("; ", trace.Spans.Select(s => $"{s.Resource}: {s.Name}"))}");
        foreach (var step in new[] { "authenticate download token", "check entitlement", "presign download" })
        {
            Assert.Contains(trace.Spans, s => s.Name == step && ApiInstances.Contains(s.Resource));
        }

        var page = browser.Page;
        try
        {
            await browser.GotoAsync("/traces");
            await Expect(page.GetByText(trace.TraceId[..7]).First).ToBeVisibleAsync();

            await browser.GotoAsync($"/traces/detail/{trace.TraceId}");
            await Expect(page.GetByText("Resources 3")).ToBeVisibleAsync();
            await Expect(SpanRow(page, "GET /v1/{**catch-all}")).ToContainTextAsync("proxy");
            var api = trace.Spans.First(s => s.Name.Contains("/v1/downloads/{token}", StringComparison.Ordinal)).Resource;
            await Expect(SpanRow(page, "GET /v1/downloads/{token}")).ToContainTextAsync(api);
            var database = SpanRow(page, "postgresql");
            await Expect(database).ToHaveCountAsync(trace.Spans.Count(s => s.IsDatabase));
            await Expect(database.First).ToContainTextAsync("releasydb");
            await Expect(database.First).ToContainTextAsync(api);
        }
        finally
        {
            output.WriteLine($"Trace detail: {await browser.ScreenshotAsync("dashboard-download-trace")}");
            output.WriteLine(await RowsTextAsync(page));
        }
    }

    /// <summary>The telemetry API's key, as the dashboard process got it (Aspire.Hosting.Testing generates one).</summary>
    private async Task<string> TelemetryApiKeyAsync() =>
        (await Run.CurrentAsync("aspire-dashboard")).Snapshot.EnvironmentVariables
            .FirstOrDefault(v => v.Name == "DASHBOARD__API__PRIMARYAPIKEY")?.Value
        ?? throw new InvalidOperationException("the dashboard was started without a telemetry API key");

    /// <summary>The trace detail's rows whose text (span name, resource, duration) holds <paramref name="name"/>.</summary>
    private static ILocator SpanRow(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = name });

    private static ILocator Row(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions
        {
            Has = page.GetByRole(AriaRole.Gridcell).GetByText(resource, new LocatorGetByTextOptions { Exact = true }),
        });

    private static async Task ExpectRowAsync(IPage page, string resource, string state)
    {
        var row = Row(page, resource);
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(state);
    }

    private static async Task<string> RowsTextAsync(IPage page)
    {
        var rows = await page.GetByRole(AriaRole.Row).AllInnerTextsAsync();
        return string.Join("\n", rows.Select(r => r.ReplaceLineEndings(" | ")));
    }

    /// <summary>The journey's steps: set a customer up, publish an artifact, then download it with a token.</summary>
    private async Task DownloadAsCustomerAsync()
    {
        var journey = await CustomerJourney.PublishAsync(Run, "dashboard-app", 4 * 1024);
        using var anonymous = new HttpClient();
        Assert.Equal(journey.Bytes, await anonymous.GetByteArrayAsync(await journey.IssueDownloadUrlAsync(Run)));
    }

    /// <summary>
    /// The trace whose API span serves <c>GET /v1/downloads/{token}</c>, from the dashboard's telemetry API
    /// (OTLP JSON: resource spans, each resource's <c>service.name</c> and its spans).
    /// </summary>
    private static async Task<DownloadTrace?> DownloadTraceAsync(HttpClient telemetry)
    {
        using var document = JsonDocument.Parse(await telemetry.GetStringAsync("/api/telemetry/traces"));
        var spans = new List<SpanSeen>();
        foreach (var resourceSpans in FindArrays(document.RootElement, "resourceSpans").SelectMany(a => a.EnumerateArray()))
        {
            var resource = resourceSpans.TryGetProperty("resource", out var r) ? Attribute(r, "service.name") ?? "" : "";
            foreach (var span in FindArrays(resourceSpans, "spans").SelectMany(a => a.EnumerateArray()))
            {
                spans.Add(new SpanSeen(
                    span.GetProperty("traceId").GetString()!,
                    resource,
                    span.GetProperty("name").GetString() ?? "",
                    (Attribute(span, "db.system.name") ?? Attribute(span, "db.system")) == "postgresql"));
            }
        }

        var download = spans.LastOrDefault(s => ApiInstances.Contains(s.Resource) && s.Name.Contains("/v1/downloads/{token}", StringComparison.Ordinal));
        return download is null ? null : new DownloadTrace(download.TraceId, [.. spans.Where(s => s.TraceId == download.TraceId)]);
    }

    private static IEnumerable<JsonElement> FindArrays(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == name && property.Value.ValueKind == JsonValueKind.Array)
                {
                    yield return property.Value;
                }
                else
                {
                    foreach (var found in FindArrays(property.Value, name))
                    {
                        yield return found;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in FindArrays(item, name))
                {
                    yield return found;
                }
            }
        }
    }

    private static string? Attribute(JsonElement owner, string key) =>
        owner.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array
            ? attributes.EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == key)
                .Select(a => a.GetProperty("value").TryGetProperty("stringValue", out var v) ? v.GetString() : null)
                .FirstOrDefault()
            : null;

    private sealed record SpanSeen(string TraceId, string Resource, string Name, bool IsDatabase);

    private sealed record DownloadTrace(string TraceId, IReadOnlyList<SpanSeen> Spans)
    {
        public bool HasProxy => Spans.Any(s => s.Resource == "proxy");

        public bool HasApi => Spans.Any(s => ApiInstances.Contains(s.Resource));

        public bool HasDatabase => Spans.Any(s => s.IsDatabase);

        public override string ToString() => $"{TraceId}: {string.Join(", ", Spans.Select(s => $"{s.Resource}/{s.Name}"))}";
    }
}
