using System.Text.Json;
using System.Text.Json.Nodes;

namespace Releasy.Api.Http;

/// <summary>
/// JSON values the API stores as text and echoes back (entitlement <c>metadata</c>, audit <c>payload</c>):
/// stored compact, returned re-serialized with object keys in ordinal byte (UTF-8) order at every level,
/// as the original's serde maps return them (contract 1.2).
/// </summary>
public static class StoredJson
{
    /// <summary>Compact text with sorted keys, for storage.</summary>
    public static string Serialize(JsonElement value) => ToNode(value)?.ToJsonString(ReleasyJson.Options) ?? "null";

    /// <summary>The stored text parsed back, keys sorted; null for a NULL column.</summary>
    /// <exception cref="JsonException">The stored text is not valid JSON.</exception>
    public static JsonNode? Parse(string? text) => text is null ? null : ToNode(JsonElement.Parse(text));

    /// <summary>The value as a node with sorted keys; a JSON <c>null</c> becomes null.</summary>
    public static JsonNode? ToNode(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, Utf8Order.Instance))
                {
                    obj[property.Name] = ToNode(property.Value); // A repeated key keeps its last value.
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }

                return array;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return JsonValue.Create(value);
        }
    }
}
