// Answers "hello" on every GET path: bench/run.sh measures it directly (the anchor) and through a second proxy
// instance whose only destination it is (the proxy's own ceiling), which also probes /health here.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/{**path}", () => "hello");
app.Run();
