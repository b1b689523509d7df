using Releasy.Api.Data;
using Releasy.Api.Options;
using Releasy.MigrationService;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton(sp => ReleasySettings.Parse(sp.GetRequiredService<IConfiguration>()));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddReleasyDatabase();
builder.Services.AddOptions<MigrationOptions>().BindConfiguration(MigrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<MigrationWorker>();

await builder.Build().RunAsync();
return Environment.ExitCode;
