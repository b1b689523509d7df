using System.Diagnostics;

namespace Releasy.Bench.Rollout;

/// <summary>Prints the proof: failed requests, latency during the switch, and the acknowledged writes found afterwards.</summary>
internal static class Report
{
    public static int Print(string strategy, IReadOnlyCollection<Sample> samples, List<(string Step, long Start, long End)> windows,
        int rowsBefore, int rowsAfter, int customersAcknowledged, List<string> lostCustomers, int tokensAcknowledged, List<string> lostTokens,
        string? colourCheck, bool stepsSucceeded)
    {
        var during = samples.Where(s => windows.Any(w => s.Started >= w.Start && s.Started <= w.End)).ToList();
        var failed = samples.Where(s => !s.Ok).ToList();
        var switchSeconds = windows.Sum(w => Stopwatch.GetElapsedTime(w.Start, w.End).TotalSeconds);

        Console.WriteLine();
        Console.WriteLine($"strategy: {strategy} ({string.Join(", ", windows.Select(w => w.Step))})");
        Console.WriteLine($"requests: {samples.Count} in all, {during.Count} during the switch ({switchSeconds:0.0} s)");
        foreach (var kind in samples.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {kind.Key,-28} {kind.Count(),6} sent, {kind.Count(s => !s.Ok),4} failed");
        }

        Console.WriteLine($"failed requests: {failed.Count}");
        foreach (var failure in failed.GroupBy(f => $"{f.Kind} → {(f.Status == 0 ? "" : f.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ")}{f.Error}").Take(10))
        {
            Console.WriteLine($"  {failure.Count()} × {failure.Key}");
        }

        Console.WriteLine(during.Count == 0
            ? "p99 during the switch: n/a (no request)"
            : $"p99 during the switch: {Percentile(during, 0.99):0.0} ms (p50 {Percentile(during, 0.50):0.0} ms, max {during.Max(s => s.Milliseconds):0.0} ms; whole run p99 {Percentile(samples, 0.99):0.0} ms)");
        Console.WriteLine($"customers (rows): {rowsBefore} before, {rowsAfter} after; {customersAcknowledged} writes acknowledged, {lostCustomers.Count} of them missing");
        Console.WriteLine($"download tokens: {tokensAcknowledged} acknowledged, {lostTokens.Count} not resolving");
        foreach (var lost in lostCustomers.Take(5).Concat(lostTokens.Take(5)))
        {
            Console.WriteLine($"  lost: {lost}");
        }

        if (colourCheck is not null)
        {
            Console.WriteLine($"X-Releasy-Version afterwards: {colourCheck}");
        }

        var ok = stepsSucceeded && failed.Count == 0 && lostCustomers.Count == 0 && lostTokens.Count == 0 &&
            rowsAfter - rowsBefore >= customersAcknowledged;
        Console.WriteLine(ok ? "result: PASS" : "result: FAIL");
        return ok ? 0 : 1;
    }

    private static double Percentile(IEnumerable<Sample> samples, double p)
    {
        var sorted = samples.Select(s => s.Milliseconds).Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
