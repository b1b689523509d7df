using System.Text.Json;
using Releasy.Api.Options;

namespace Releasy.Api.Auth.Jwt;

/// <summary>
/// The claim checks of contract 2.4 steps 7–10, read straight from the payload JSON so each claim's type is
/// checked exactly: <c>exp</c>/<c>nbf</c> integers, <c>iss</c> a string, <c>aud</c> a string or an array.
/// </summary>
public static class OperatorClaims
{
    private static readonly Dictionary<string, OperatorRole> KnownRoles = new(StringComparer.Ordinal)
    {
        ["platform_admin"] = OperatorRole.PlatformAdmin,
        ["platform_support"] = OperatorRole.PlatformSupport,
        ["release_publisher"] = OperatorRole.ReleasePublisher,
    };

    /// <summary>Null when every check passes; otherwise the reason, for the log only.</summary>
    public static string? Check(JsonElement payload, long now, OperatorJwtOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return "payload_not_object";
        }

        if (!payload.TryGetProperty("exp", out var expClaim) || !TryGetSeconds(expClaim, out var exp))
        {
            return "missing_or_invalid_exp";
        }

        // exp == now is still valid; with a leeway, up to leeway seconds past it.
        if (exp < (decimal)now - settings.LeewaySeconds)
        {
            return "expired";
        }

        if (payload.TryGetProperty("nbf", out var nbfClaim))
        {
            if (!TryGetSeconds(nbfClaim, out var nbf))
            {
                return "invalid_nbf";
            }

            if (nbf > (decimal)now + settings.LeewaySeconds)
            {
                return "not_yet_valid";
            }
        }

        if (settings.Issuer is { } issuer && !IsString(payload, "iss", issuer))
        {
            return "issuer_mismatch";
        }

        if (settings.Audience is { } audience && !HasAudience(payload, audience))
        {
            return "audience_mismatch";
        }

        return null;
    }

    /// <summary>
    /// Step 10: the union of <c>roles</c>, <c>realm_access.roles</c> and, with a resource configured,
    /// <c>resource_access.&lt;resource&gt;.roles</c>; each a string or an array whose non-strings are ignored.
    /// Unknown role names are dropped.
    /// </summary>
    public static HashSet<OperatorRole> Roles(JsonElement payload, string? resource)
    {
        var roles = new HashSet<OperatorRole>();
        AddRoles(roles, payload, "roles");
        if (payload.TryGetProperty("realm_access", out var realm) && realm.ValueKind == JsonValueKind.Object)
        {
            AddRoles(roles, realm, "roles");
        }

        if (resource is not null
            && payload.TryGetProperty("resource_access", out var access) && access.ValueKind == JsonValueKind.Object
            && access.TryGetProperty(resource, out var client) && client.ValueKind == JsonValueKind.Object)
        {
            AddRoles(roles, client, "roles");
        }

        return roles;
    }

    private static void AddRoles(HashSet<OperatorRole> roles, JsonElement owner, string name)
    {
        if (!owner.TryGetProperty(name, out var claim))
        {
            return;
        }

        IEnumerable<JsonElement> values = claim.ValueKind == JsonValueKind.Array ? claim.EnumerateArray() : [claim];
        foreach (var value in values)
        {
            if (value.ValueKind == JsonValueKind.String && KnownRoles.TryGetValue(value.GetString()!, out var role))
            {
                roles.Add(role);
            }
        }
    }

    /// <summary>A non-negative integer number of seconds (no fraction, no string).</summary>
    private static bool TryGetSeconds(JsonElement claim, out ulong seconds)
    {
        seconds = 0;
        return claim.ValueKind == JsonValueKind.Number && claim.TryGetUInt64(out seconds);
    }

    private static bool IsString(JsonElement payload, string name, string expected) =>
        payload.TryGetProperty(name, out var claim) && claim.ValueKind == JsonValueKind.String
        && string.Equals(claim.GetString(), expected, StringComparison.Ordinal);

    private static bool HasAudience(JsonElement payload, string audience)
    {
        if (!payload.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        return aud.ValueKind switch
        {
            JsonValueKind.String => string.Equals(aud.GetString(), audience, StringComparison.Ordinal),
            JsonValueKind.Array => aud.EnumerateArray().Any(a =>
                a.ValueKind == JsonValueKind.String && string.Equals(a.GetString(), audience, StringComparison.Ordinal)),
            _ => false,
        };
    }
}
