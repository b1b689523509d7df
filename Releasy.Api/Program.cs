using Microsoft.Extensions.Options;
using Releasy.Api;
using Releasy.Api.ApiKeys;
using Releasy.Api.Artifacts;
using Releasy.Api.Audit;
using Releasy.Api.Customers;
using Releasy.Api.Downloads;
using Releasy.Api.Entitlements;
using Releasy.Api.Http;
using Releasy.Api.Meta;
using Releasy.Api.Options;
using Releasy.Api.Releases;
using Releasy.Api.Storage;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddServiceDefaults();
    builder.AddApplicationServices();

    var app = builder.Build();
    app.UseForwardedHeaders();
    app.UseApiErrorHandling();
    app.UseRouting();
    app.UseStrictRouting();

    app.MapDefaultEndpoints();
    var routes = app.MapGroup("").AnswerHeadOnGet();
    routes.MapMetaApi();
    routes.MapCustomersApi();
    routes.MapApiKeysApi();
    routes.MapEntitlementsApi();
    routes.MapReleasesApi();
    routes.MapArtifactsApi();
    routes.MapDownloadsApi();
    routes.MapStorageApi();
    routes.MapAuditApi();

    await app.CheckStartupAsync();
    await app.RunAsync();
}
catch (Exception ex) when (ex.GetBaseException() is StartupException or OptionsValidationException)
{
    // One clear line, as the original printed it, and a non-zero exit.
    await Console.Error.WriteLineAsync($"Error: \"{ex.GetBaseException().Message}\"");
    return 1;
}

return 0;
