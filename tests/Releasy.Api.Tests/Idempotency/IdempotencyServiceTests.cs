using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Releasy.Api.Data.Entities;
using Releasy.Api.Idempotency;
using Releasy.Api.Telemetry;

namespace Releasy.Api.Tests.Idempotency;

/// <summary>The state machine of contract 4.5, driven directly where HTTP cannot stage the case.</summary>
public sealed class IdempotencyServiceTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_success_is_stored_for_replay_even_when_the_client_hung_up_after_the_operation_committed()
    {
        var key = "hangup-" + Guid.NewGuid().ToString("N");
        var endpoint = "test_endpoint_" + Guid.NewGuid().ToString("N");
        await using var db = fixture.Api.Database.CreateContext();
        var service = new IdempotencyService(db, fixture.Api.Clock, fixture.Api.Services.GetRequiredService<ReleasyMetrics>(), NullLogger<IdempotencyService>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Headers[IdempotencyService.HeaderName] = key;
        using var aborted = new CancellationTokenSource();

        var result = await service.RunAsync(http.Request, endpoint, "fingerprint", async () =>
        {
            await Task.Yield();
            await aborted.CancelAsync(); // The client disconnects once the work is done.
            return (Outcome<string>)"done";
        }, aborted.Token);

        Assert.IsAssignableFrom<IStatusCodeHttpResult>(result);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)result).StatusCode);
        await using var check = fixture.Api.Database.CreateContext();
        var row = await check.IdempotencyKeys.AsNoTracking().SingleAsync(r => r.IdempotencyKey == key && r.Endpoint == endpoint);
        Assert.Equal((IdempotencyRecord.Completed, (int?)StatusCodes.Status200OK, "\"done\""), (row.State, row.ResponseStatus, row.ResponseBody));
    }

    [Fact]
    public async Task A_replay_of_a_stored_body_that_is_not_json_is_a_500_and_the_operation_does_not_run()
    {
        var key = "undecodable-" + Guid.NewGuid().ToString("N");
        var endpoint = "test_endpoint_" + Guid.NewGuid().ToString("N");
        await using (var seed = fixture.Api.Database.CreateContext())
        {
            seed.IdempotencyKeys.Add(new IdempotencyRecord
            {
                IdempotencyKey = key,
                Endpoint = endpoint,
                RequestHash = "fingerprint",
                ResponseStatus = StatusCodes.Status200OK,
                ResponseBody = "{not json",
                State = IdempotencyRecord.Completed,
                CreatedAt = fixture.Api.Now,
                ExpiresAt = fixture.Api.Now + 86_400,
            });
            await seed.SaveChangesAsync();
        }

        await using var db = fixture.Api.Database.CreateContext();
        var service = new IdempotencyService(db, fixture.Api.Clock, fixture.Api.Services.GetRequiredService<ReleasyMetrics>(), NullLogger<IdempotencyService>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Headers[IdempotencyService.HeaderName] = key;
        var ran = false;

        var result = await service.RunAsync(http.Request, endpoint, "fingerprint", () =>
        {
            ran = true;
            return Task.FromResult((Outcome<string>)"done");
        }, CancellationToken.None);

        Assert.False(ran);
        Assert.Equal(Releasy.Api.Http.ApiError.Internal("failed to decode idempotency response"), result);
    }
}
