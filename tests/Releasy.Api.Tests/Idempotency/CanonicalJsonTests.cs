using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Releasy.Api.Idempotency;

namespace Releasy.Api.Tests.Idempotency;

/// <summary>The request fingerprint of contract 4.4, byte for byte.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Metadata_keys_are_sorted_by_code_point_as_the_original_sorted_them()
    {
        // U+FFFF sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 code unit.
        using var metadata = JsonDocument.Parse("{\"\U0001F600\":1,\"\uFFFF\":2,\"a\":{\"z\":null,\"b\":[true]}}");

        var fingerprint = CanonicalJson.Fingerprint("customer-1", ("product", "p"), ("metadata", metadata.RootElement));

        Assert.Equal(Sha256Hex("customer-1:{\"product\":\"p\",\"metadata\":{\"a\":{\"b\":[true],\"z\":null},\"\uFFFF\":2,\"\U0001F600\":1}}"), fingerprint);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
