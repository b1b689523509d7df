using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Releasy.Api.Data.Entities;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Tests.Telemetry;

/// <summary>
/// The business counters on the <c>Releasy.Api</c> meter, read from this test host's own meter factory while the
/// real endpoints run. Tags carry fixed words only: never a key, a token or a secret.
/// </summary>
public sealed class BusinessMetricsTests(EmbeddedStoreFixture fixture) : IClassFixture<EmbeddedStoreFixture>
{
    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task Issuing_and_redeeming_a_download_token_counts_one_issue_and_one_redirect()
    {
        using var metrics = new Collectors(Api);
        var release = await Api.SeedReleaseAsync(status: Release.Published);
        var artifact = await Api.SeedArtifactAsync(release);
        var (_, apiKey) = await Api.SeedEntitledCustomerAsync(release.Product);

        var issued = await (await Api.CreateApiKeyClient(apiKey).PostJsonAsync("/v1/downloads/token", new { artifact_id = artifact.Id }))
            .AssertOkAsync();
        var url = new Uri((string)issued["download_url"]!);
        var redirect = await Api.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(url.PathAndQuery);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(1, metrics.Total("releasy.download_tokens.issued"));
        Assert.Equal(1, metrics.Total("releasy.downloads.redirected"));
        metrics.AssertNoTagContains(apiKey, url.Segments[^1], ReleasyApiFactory.AdminKey);
    }

    [Fact]
    public async Task An_unknown_or_expired_token_is_not_counted_as_a_redirect()
    {
        using var metrics = new Collectors(Api);
        var token = "releasy_dl_" + Guid.NewGuid().ToString("N");

        var response = await Api.CreateClient(new() { AllowAutoRedirect = false }).GetAsync($"/v1/downloads/{token}");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "not_found", "download token not found");
        Assert.Equal(0, metrics.Total("releasy.downloads.redirected"));
        metrics.AssertNoTagContains(token);
    }

    [Fact]
    public async Task Api_key_authentication_is_counted_by_outcome_with_the_audit_reason_and_never_the_key()
    {
        var customer = await Api.SeedCustomerAsync();
        var valid = await Api.SeedApiKeyAsync(customer.Id);
        var revoked = await Api.SeedApiKeyAsync(customer.Id, revokedAt: Api.Now - 1);
        var unknown = "releasy_" + Guid.NewGuid().ToString("N");
        using var metrics = new Collectors(Api);

        (await Api.CreateApiKeyClient(valid).GetAsync("/v1/releases")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateApiKeyClient(revoked).GetAsync("/v1/releases")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.CreateApiKeyClient(unknown).GetAsync("/v1/releases")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await Api.CreateClient().PostJsonAsync("/v1/downloads/token", new { artifact_id = Guid.NewGuid() })).StatusCode);

        var auth = metrics.Measurements("releasy.api_key.auth")
            .Select(m => ((string?)m.Tags["outcome"], (string?)m.Tags["reason"], m.Value))
            .OrderBy(t => t.Item2, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
        [
            ("rejected", "missing_header", 1L),
            ("rejected", "not_found", 1L),
            ("accepted", "ok", 1L),
            ("rejected", "revoked", 1L),
        ], auth);
        Assert.All(metrics.Measurements("releasy.api_key.auth"), m => Assert.Equal(["outcome", "reason"], m.Tags.Keys.Order()));
        metrics.AssertNoTagContains(valid, revoked, unknown, valid[..12], ReleasyApiFactory.AdminKey);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_counts_one_replay_and_the_original_is_not_a_replay()
    {
        using var metrics = new Collectors(Api);
        var admin = Api.CreateAdminClient();
        var key = "metrics-" + Guid.NewGuid().ToString("N");
        var request = new { product = TestData.UniqueProduct(), version = "1.0.0" };

        var first = await (await admin.PostJsonAsync("/v1/releases", request, key)).AssertOkAsync();
        var replay = await (await admin.PostJsonAsync("/v1/releases", request, key)).AssertOkAsync();

        Assert.Equal((string?)first["id"], (string?)replay["id"]);
        var replayed = Assert.Single(metrics.Measurements("releasy.idempotency.replayed"));
        Assert.Equal(1, replayed.Value);
        Assert.Equal("create_release", replayed.Tags["endpoint"]);
        metrics.AssertNoTagContains(key, ReleasyApiFactory.AdminKey);
    }

    [Fact]
    public async Task Publishing_counts_once_and_a_refused_or_reverse_transition_does_not()
    {
        using var metrics = new Collectors(Api);
        var admin = Api.CreateAdminClient();
        var release = await Api.SeedReleaseAsync();

        await (await admin.PostAsync($"/v1/releases/{release.Id}/publish", null)).AssertOkAsync();
        await (await admin.PostAsync($"/v1/releases/{release.Id}/publish", null))
            .AssertErrorAsync(HttpStatusCode.BadRequest, "bad_request", "release already published");
        await (await admin.PostAsync($"/v1/releases/{release.Id}/unpublish", null)).AssertOkAsync();

        Assert.Equal(1, metrics.Total("releasy.releases.published"));
        metrics.AssertNoTagContains(ReleasyApiFactory.AdminKey);
    }

    /// <summary>One collector per instrument of the meter, on this host's meter factory only.</summary>
    private sealed class Collectors : IDisposable
    {
        private static readonly string[] Instruments =
        [
            "releasy.download_tokens.issued", "releasy.downloads.redirected", "releasy.api_key.auth",
            "releasy.idempotency.replayed", "releasy.releases.published",
        ];

        private readonly Dictionary<string, MetricCollector<long>> _collectors;

        public Collectors(ReleasyApiFactory api)
        {
            var meterFactory = api.Services.GetRequiredService<IMeterFactory>();
            _collectors = Instruments.ToDictionary(i => i, i => new MetricCollector<long>(meterFactory, ReleasyMetrics.MeterName, i));
        }

        public IReadOnlyList<CollectedMeasurement<long>> Measurements(string instrument) =>
            _collectors[instrument].GetMeasurementSnapshot();

        public long Total(string instrument) => Measurements(instrument).Sum(m => m.Value);

        /// <summary>No tag value of any instrument holds one of <paramref name="secrets"/>.</summary>
        public void AssertNoTagContains(params string[] secrets)
        {
            var values = _collectors.Values.SelectMany(c => c.GetMeasurementSnapshot())
                .SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? string.Empty).ToList();
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
            }
        }

        public void Dispose()
        {
            foreach (var collector in _collectors.Values)
            {
                collector.Dispose();
            }
        }
    }
}
