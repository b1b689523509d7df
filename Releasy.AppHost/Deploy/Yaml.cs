using YamlDotNet.Serialization;

namespace Releasy.AppHost.Deploy;

/// <summary>YAML documents built from ordered maps and lists: the files read in the order they are written.</summary>
public static class Yaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        // Quoting as YAML 1.1 reads: docker-compose 1.x would take an unquoted `no` for false.
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithIndentedSequences()
        .DisableAliases()
        .Build();

    /// <summary>An ordered map; entries whose value is null are left out, so optional fields read naturally.</summary>
    public static Dictionary<string, object> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object>();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(key, value);
            }
        }

        return map;
    }

    public static string Write(string header, object document) => header + Serializer.Serialize(document);

    public static string Write(string header, IEnumerable<object> documents) =>
        header + string.Join("---\n", documents.Select(d => Serializer.Serialize(d)));
}
