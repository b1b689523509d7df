using System.Diagnostics;
using Releasy.Bench.Rollout;

// bench/rollout.sh's driver: starts the real topology (Releasy.AppHost through Aspire.Hosting.Testing), puts a
// steady loopback load on the proxy, runs a rollout through the proxy's Aspire resource commands, and reports the
// failed requests, the p99 during the switch, and whether every acknowledged write is still there.
var strategies = new Dictionary<string, string[]>(StringComparer.Ordinal)
{
    ["rolling"] = ["rolling"],
    ["blue-green"] = ["blue-green", "rollback"],
    ["rainbow"] = ["rainbow"],
    ["all"] = ["rolling", "rainbow", "blue-green"],
};
if (args.Length is < 1 or > 2 || !strategies.TryGetValue(args[0], out var steps) || (args.Length == 2 && args[1] != "--short"))
{
    Console.Error.WriteLine("usage: Rollout blue-green|rolling|rainbow|all [--short]");
    return 2;
}

var isShort = args.Length == 2;
var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
await using var topology = await Topology.StartAsync();
Console.WriteLine($"topology up in {topology.StartTime.TotalSeconds:0.0} s; proxy {topology.ProxyUrl}");

using var admin = topology.AdminClient();
var seed = await Seed.CreateAsync(admin, run);
var before = await Rows.CountCustomersAsync(admin, null);
var load = new LoadLoop(topology.ProxyUrl, topology.AdminKey, seed, run, workers: 4, pause: TimeSpan.FromMilliseconds(20));
using var stopLoad = new CancellationTokenSource();
var loadTask = load.RunAsync(stopLoad.Token);

await Task.Delay(TimeSpan.FromSeconds(isShort ? 3 : 8));
var windows = new List<(string Step, long Start, long End)>();
foreach (var step in steps)
{
    var start = Stopwatch.GetTimestamp();
    var outcome = await topology.RunStepAsync(step, seed.ApiKey[..12]);
    windows.Add((step, start, Stopwatch.GetTimestamp()));
    Console.WriteLine($"{step}: {(outcome.Success ? "done" : "FAILED")} in {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s: {outcome.Message}");
    if (!outcome.Success)
    {
        break;
    }
}

await Task.Delay(TimeSpan.FromSeconds(isShort ? 2 : 5));
await stopLoad.CancelAsync();
await loadTask;

var after = await Rows.CountCustomersAsync(admin, null);
var written = await Rows.CustomerIdsAsync(admin, load.CustomerNamePrefix);
var lostCustomers = load.AcknowledgedCustomers.Where(id => !written.Contains(id)).ToList();
var lostTokens = await Rows.UnresolvedTokensAsync(topology.ProxyUrl, load.AcknowledgedTokens);
var colourCheck = args[0] is "rainbow" ? await topology.ColourCheckAsync(seed.ApiKey) : null;

return Report.Print(args[0], load.Samples, windows, before, after, load.AcknowledgedCustomers.Count, lostCustomers, load.AcknowledgedTokens.Count, lostTokens, colourCheck,
    steps.Length == windows.Count && topology.AllStepsSucceeded);
