using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Releasy.Api.Auth;
using Releasy.Api.Data.Entities;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Tests;

/// <summary>
/// What a caller without a working key can make the server spend on Argon2id: one verification whether or not the
/// prefix exists, none for a secret that just failed, a bounded number per prefix and window, and a bounded number at
/// once. A key that already verified never waits on any of it.
/// </summary>
public sealed class ApiKeyVerificationGuardTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Introspect = "/v1/auth/introspect";

    private ReleasyApiFactory Api => fixture.Api;

    [Fact]
    public async Task An_unknown_prefix_costs_one_dummy_verification_as_a_wrong_secret_costs_one_real_one()
    {
        var (_, key) = await Api.SeedCustomerWithKeyAsync();
        using var verifications = Verifications();

        var (unknown, unknownEvents) = await IntrospectAsync("releasy_" + Guid.NewGuid().ToString("N"));
        var (wrong, wrongEvents) = await IntrospectAsync(WrongSecret(key));

        await unknown.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        await wrong.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejectedNotFound(unknownEvents);
        AssertRejectedNotFound(wrongEvents);
        Assert.Equal([("dummy", 1L), ("stored", 1L)], Counts(verifications));
    }

    [Fact]
    public async Task A_wrong_secret_that_just_failed_is_refused_again_without_a_verification()
    {
        var (_, key) = await Api.SeedCustomerWithKeyAsync();
        var wrong = WrongSecret(key);
        await (await IntrospectAsync(wrong)).Response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        using var verifications = Verifications();

        var (again, events) = await IntrospectAsync(wrong);

        await again.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        AssertRejectedNotFound(events);
        Assert.Empty(Counts(verifications));
    }

    [Fact]
    public async Task A_burst_of_wrong_secrets_on_one_prefix_is_shed_beyond_the_limit_while_a_verified_key_still_works()
    {
        var (_, key) = await Api.SeedCustomerWithKeyAsync();
        (await IntrospectAsync(key)).Response.EnsureSuccessStatusCode();
        using var verifications = Verifications();

        // The key's own first verification took one of the prefix's verifications.
        var wrongOnes = ApiKeyVerificationGuard.VerificationsPerPrefix - 1L;
        for (var i = 0; i < wrongOnes; i++)
        {
            await (await IntrospectAsync(WrongSecret(key))).Response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        }

        var (shed, shedEvents) = await IntrospectAsync(WrongSecret(key));
        var (valid, _) = await IntrospectAsync(key);

        await shed.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", ApiKeyAuthenticator.BusyMessage);
        Assert.Empty(shedEvents);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal([("stored", wrongOnes)], Counts(verifications));

        // The next window verifies again.
        Api.Clock.Advance(ApiKeyVerificationGuard.PrefixWindow);
        await (await IntrospectAsync(WrongSecret(key))).Response.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        Assert.Equal([("stored", wrongOnes + 1)], Counts(verifications));
    }

    [Fact]
    public async Task With_every_verification_slot_taken_a_new_secret_is_shed_and_a_verified_key_still_authenticates()
    {
        var (_, key) = await Api.SeedCustomerWithKeyAsync();
        (await IntrospectAsync(key)).Response.EnsureSuccessStatusCode();
        var guard = Api.Services.GetRequiredService<ApiKeyVerificationGuard>();
        var held = new List<IDisposable>();
        for (var i = 0; i < ApiKeyVerificationGuard.Slots; i++)
        {
            held.Add(Assert.IsAssignableFrom<IDisposable>(await guard.EnterAsync(CancellationToken.None)));
        }

        using var verifications = Verifications();
        var (valid, validEvents) = await IntrospectAsync(key);
        var (shed, _) = await IntrospectAsync("releasy_" + Guid.NewGuid().ToString("N"));
        held.ForEach(slot => slot.Dispose());
        var (afterwards, _) = await IntrospectAsync("releasy_" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.EndsWith(""","outcome":"accept","reason":"ok"}""", Assert.Single(validEvents).Payload, StringComparison.Ordinal);
        await shed.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", ApiKeyAuthenticator.BusyMessage);
        await afterwards.AssertErrorAsync(HttpStatusCode.Unauthorized, "unauthorized", "unauthorized");
        Assert.Equal([("dummy", 1L)], Counts(verifications));
    }

    [Fact]
    public async Task Concurrent_first_requests_with_one_key_share_one_verification_and_none_is_shed()
    {
        // A freshly started instance meets a busy client's whole burst before the key has ever verified here.
        var (_, key) = await Api.SeedCustomerWithKeyAsync();
        using var verifications = Verifications();
        using var client = Api.CreateApiKeyClient(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => client.PostAsync(Introspect, null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal([("stored", 1L)], Counts(verifications));
    }

    /// <summary>The same prefix with a different (random) rest: a wrong secret that was never presented before.</summary>
    private static string WrongSecret(string key) => key[..SecretHasher.LookupPrefixLength] + Guid.NewGuid().ToString("N");

    private async Task<(HttpResponseMessage Response, List<AuditEvent> Events)> IntrospectAsync(string key)
    {
        HttpResponseMessage? response = null;
        var events = await TestData.AuditEventsWrittenByAsync(Api,
            async () => response = await Api.CreateApiKeyClient(key).PostAsync(Introspect, null));
        return (response!, events);
    }

    private MetricCollector<long> Verifications() =>
        new(Api.Services.GetRequiredService<IMeterFactory>(), ReleasyMetrics.MeterName, "releasy.api_key.verifications");

    private static List<(string?, long)> Counts(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot()
            .GroupBy(m => (string?)m.Tags["hash"])
            .Select(g => (g.Key, g.Sum(m => m.Value)))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .ToList();

    private static void AssertRejectedNotFound(List<AuditEvent> events)
    {
        var audit = Assert.Single(events);
        Assert.Null(audit.CustomerId);
        Assert.Equal("api_key.auth", audit.Event);
        Assert.Equal("""{"api_key_id":null,"outcome":"reject","reason":"not_found"}""", audit.Payload);
    }
}
