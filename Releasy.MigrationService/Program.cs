using Releasy.Api.Data;
using Releasy.Api.Options;
using Releasy.MigrationService;

try
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.AddServiceDefaults();
    builder.Services.AddSingleton(TimeProvider.System);
    // Only what the worker needs: the database and its own options. The API's other settings are not read here.
    builder.AddReleasyDatabase(DatabaseOptions.FromConfiguration(builder.Configuration));
    builder.Services.AddOptions<MigrationOptions>().BindConfiguration(MigrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
    builder.Services.AddHostedService<MigrationWorker>();

    await builder.Build().RunAsync();
}
catch (StartupException ex)
{
    await Console.Error.WriteLineAsync($"Error: \"database migration failed: {ex.Message}\"");
    return 1;
}

return Environment.ExitCode;
