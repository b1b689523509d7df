namespace Releasy.AppHost.Tests.EndToEnd;

/// <summary>Whole topologies are heavy for a two-core machine: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end";
}
