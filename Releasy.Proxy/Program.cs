var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddReleasyProxy();

var app = builder.Build();

app.UseProxyErrorEnvelope();
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapReleasyProxy();

app.Run();
