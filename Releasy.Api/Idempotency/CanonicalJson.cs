using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Releasy.Api.Http;

namespace Releasy.Api.Idempotency;

/// <summary>
/// The request fingerprint of contract 4.4: <c>sha256(context + ":" + canonical_json)</c>, where the JSON
/// holds the endpoint's declared fields in order, compact, minimally escaped, with object keys sorted.
/// Byte-exact, so fingerprints stay compatible with rows the original server wrote.
/// </summary>
public static class CanonicalJson
{
    public static string Fingerprint(string context, params (string Name, object? Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(fields);
        var json = new StringBuilder();
        json.Append('{');
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            WriteString(json, fields[i].Name);
            json.Append(':');
            WriteValue(json, fields[i].Value);
        }

        json.Append('}');
        var bytes = Encoding.UTF8.GetBytes(context + ":" + json);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static void WriteValue(StringBuilder json, object? value)
    {
        switch (value)
        {
            case null:
                json.Append("null");
                break;
            case string s:
                WriteString(json, s);
                break;
            case bool b:
                json.Append(b ? "true" : "false");
                break;
            case long or int or uint:
                json.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case JsonElement element:
                WriteElement(json, element);
                break;
            default:
                throw new ArgumentException($"Unsupported fingerprint value type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteElement(StringBuilder json, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, Utf8Order.Instance))
                {
                    if (!first)
                    {
                        json.Append(',');
                    }

                    first = false;
                    WriteString(json, property.Name);
                    json.Append(':');
                    WriteElement(json, property.Value);
                }

                json.Append('}');
                break;
            case JsonValueKind.Array:
                json.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        json.Append(',');
                    }

                    WriteElement(json, item);
                }

                json.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(json, element.GetString()!);
                break;
            default:
                json.Append(element.GetRawText());
                break;
        }
    }

    private static void WriteString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }

        json.Append('"');
    }
}
