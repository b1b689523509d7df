using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Releasy.Api.Data.Entities;
using Releasy.Api.Options;
using Releasy.Testing;

namespace Releasy.Api.Tests.Logging;

/// <summary>
/// Every span of a download journey, from every source (ASP.NET Core, Npgsql, EF Core, ours): none carries the
/// API key, the download token or the database password, and each SQL command is one span.
/// </summary>
public sealed class SecretSpanTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    [Fact]
    public async Task No_span_of_a_download_journey_carries_a_secret_and_each_query_is_traced_once()
    {
        var api = fixture.Api;
        var agent = "releasy-span-test-" + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var release = await api.SeedReleaseAsync(status: Release.Published);
        var artifact = await api.SeedArtifactAsync(release);
        var (_, apiKey) = await api.SeedEntitledCustomerAsync(release.Product);
        var client = api.CreateApiKeyClient(apiKey);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(agent);

        var issued = await (await client.PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id })).AssertOkAsync();
        var url = new Uri((string)issued["download_url"]!);
        var redirect = api.CreateClient(new() { AllowAutoRedirect = false });
        redirect.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
        Assert.Equal(HttpStatusCode.Found, (await redirect.GetAsync(url.PathAndQuery)).StatusCode);

        var traces = await Eventually.UntilAsync(() => Task.FromResult(RequestTraces(spans, agent)),
            found => found.Count == 2, "both requests' activities to stop", TimeSpan.FromSeconds(10));
        var ours = spans.Where(s => traces.Contains(s.TraceId)).ToList();
        var token = url.Segments[^1];
        var password = TestDatabase.DefaultProvider == DatabaseProvider.Postgres
            ? new NpgsqlConnectionStringBuilder(api.Database.ConnectionString).Password : null;
        foreach (var secret in new[] { apiKey, token, password }.OfType<string>())
        {
            Assert.DoesNotContain(ours, s => s.Tags.Any(t => t.Value?.Contains(secret, StringComparison.Ordinal) == true)
                || s.DisplayName.Contains(secret, StringComparison.Ordinal));
        }

        var insert = ours.Where(s => Statement(s)?.Contains("INSERT INTO download_tokens", StringComparison.Ordinal) == true).ToList();
        if (TestDatabase.DefaultProvider == DatabaseProvider.Postgres)
        {
            Assert.Equal("Npgsql", Assert.Single(insert).Source.Name);
        }
        else
        {
            Assert.Empty(insert); // SQLite's provider has no tracing of its own.
        }
    }

    private static HashSet<ActivityTraceId> RequestTraces(IEnumerable<Activity> spans, string agent) =>
        [.. spans.Where(s => s.Source.Name == "Microsoft.AspNetCore"
            && s.Tags.Any(t => t.Key == "user_agent.original" && t.Value == agent)).Select(s => s.TraceId)];

    private static string? Statement(Activity span) =>
        span.Tags.FirstOrDefault(t => t.Key is "db.query.text" or "db.statement").Value;
}
