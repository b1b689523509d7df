using System.Net;
using System.Text.Json;

namespace Releasy.Bench.Rollout;

/// <summary>What is in the database afterwards, read through the API: customers (rows) and download tokens.</summary>
internal static class Rows
{
    private const int Page = 200;

    public static async Task<int> CountCustomersAsync(HttpClient admin, string? namePrefix) =>
        (await CustomerIdsAsync(admin, namePrefix)).Count;

    public static async Task<HashSet<string>> CustomerIdsAsync(HttpClient admin, string? namePrefix)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += Page)
        {
            var filter = namePrefix is null ? "" : $"&name={Uri.EscapeDataString(namePrefix)}";
            using var page = JsonDocument.Parse(await admin.GetStringAsync($"/v1/admin/customers?limit={Page}&offset={offset}{filter}"));
            var customers = page.RootElement.GetProperty("customers");
            foreach (var customer in customers.EnumerateArray())
            {
                ids.Add(customer.GetProperty("id").GetString()!);
            }

            if (customers.GetArrayLength() < Page)
            {
                return ids;
            }
        }
    }

    /// <summary>The acknowledged download tokens that no longer resolve (302) through the proxy.</summary>
    public static async Task<List<string>> UnresolvedTokensAsync(Uri proxy, IEnumerable<string> tokenPaths)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = proxy };
        var unresolved = new List<string>();
        foreach (var path in tokenPaths)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.Found)
            {
                unresolved.Add($"{path[..Math.Min(path.Length, 30)]}… → {(int)response.StatusCode}");
            }
        }

        return unresolved;
    }
}
