namespace Releasy.Api.Auth;

/// <summary>An authenticated customer API key.</summary>
public sealed record ApiKeyPrincipal(
    string ApiKeyId, string CustomerId, string KeyType, IReadOnlyList<string> Scopes, long? ExpiresAt)
{
    private const string ItemKey = "releasy.api_key";

    public static ApiKeyPrincipal Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[ItemKey] as ApiKeyPrincipal
            ?? throw new InvalidOperationException("The endpoint has no API key filter.");
    }

    public void AttachTo(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ItemKey] = this;
    }
}
