using System.Text.Json;
using System.Text.Json.Serialization;

namespace Releasy.Api.ApiKeys;

/// <summary><c>name</c> is stored as sent and never returned (contract 3.3.1).</summary>
public sealed record CreateApiKeyRequest(
    string CustomerId,
    string? Name = null,
    [property: JsonConverter(typeof(StrictStringListConverter))] IReadOnlyList<string>? Scopes = null,
    long? ExpiresAt = null,
    string? KeyType = null);

public sealed record CreatedApiKey(
    string ApiKeyId, string ApiKey, string CustomerId, string KeyType, IReadOnlyList<string> Scopes, long? ExpiresAt);

public sealed record RevokeApiKeyRequest(string ApiKeyId);

public sealed record RevokedApiKey(string ApiKeyId);

/// <summary><c>active</c> is always true: an unusable key gets 401, never <c>active:false</c> (contract 3.4).</summary>
public sealed record IntrospectionResponse(
    bool Active, string ApiKeyId, string CustomerId, string KeyType, IReadOnlyList<string> Scopes, long? ExpiresAt);

/// <summary>
/// An array of strings and nothing else: a <c>null</c> entry is a 422 while binding, as the original's
/// <c>Vec&lt;String&gt;</c> refuses it, instead of reaching the handler.
/// </summary>
internal sealed class StrictStringListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("invalid type, expected a sequence of strings");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw new JsonException("invalid type, expected a string"));
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
