namespace Releasy.AppHost.Settings;

/// <summary>Turns the contract's <c>RELEASY_DATABASE_URL</c> into the connection string Aspire's variable carries.</summary>
public static class DatabaseUrl
{
    public static string? ToConnectionString(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = url["sqlite:".Length..].TrimStart('/');
            var query = path.IndexOf('?', StringComparison.Ordinal);
            path = query >= 0 ? path[..query] : path;
            return $"Data Source={(url.StartsWith("sqlite:///", StringComparison.OrdinalIgnoreCase) ? "/" + path : path)}";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            return null;
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var parts = new List<string> { $"Host={uri.Host}", $"Port={(uri.Port > 0 ? uri.Port : 5432)}", $"Database={Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'))}" };
        if (userInfo[0].Length > 0)
        {
            parts.Add($"Username={Uri.UnescapeDataString(userInfo[0])}");
        }

        if (userInfo.Length > 1)
        {
            parts.Add($"Password={Uri.UnescapeDataString(userInfo[1])}");
        }

        return string.Join(';', parts);
    }
}
