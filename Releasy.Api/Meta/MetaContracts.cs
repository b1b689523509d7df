namespace Releasy.Api.Meta;

/// <summary><c>GET /version</c>: snake_case like the contract, every field present (null when unknown).</summary>
public sealed record VersionView(string Version, string Build, string? Commit, string? SchemaMigration);
