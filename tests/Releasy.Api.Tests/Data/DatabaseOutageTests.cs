using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Releasy.Api.Options;
using Releasy.Testing;

namespace Releasy.Api.Tests.Data;

/// <summary>A database that goes away: contract answers, and one log line for the outage, not one per request.</summary>
public sealed class DatabaseOutageTests
{
    private const int Requests = 25;

    [Fact]
    public async Task Requests_while_the_database_is_unreachable_answer_503_and_the_outage_is_logged_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider: DatabaseProvider.Postgres);
        var capture = new CapturingLoggerProvider();
        await using var factory = new ReleasyApiFactory(database);
        using var api = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(capture)));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("x-releasy-admin-key", ReleasyApiFactory.AdminKey);
        var customer = await factory.SeedCustomerAsync();
        (await client.GetAsync($"/v1/admin/customers/{customer.Id}")).EnsureSuccessStatusCode();

        await PostgresServer.DropDatabaseAsync(database.ConnectionString); // Terminates the API's connections too.
        for (var i = 0; i < Requests; i++)
        {
            // No answer of its own for this read: the contract's 503, with a hint for when to retry.
            var get = await client.GetAsync($"/v1/admin/customers/{customer.Id}");
            await get.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable", "database unavailable");
            Assert.Equal("5", get.Headers.GetValues("Retry-After").Single());

            // An endpoint that answers its own contract message keeps it.
            var resolve = await client.GetAsync($"/v1/downloads/releasy_dl_{Guid.NewGuid():N}");
            await resolve.AssertErrorAsync(HttpStatusCode.InternalServerError, "internal_error", "failed to lookup download token");
        }

        var lines = capture.Entries.ToArray();
        Assert.Single(lines, e => e.Message.StartsWith("Database unreachable: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, e => e.Exception is not null);
        Assert.DoesNotContain(lines, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(lines, e => e.Message.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(Entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(ConcurrentQueue<(LogLevel, string, Exception?)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception), exception));
        }
    }
}
