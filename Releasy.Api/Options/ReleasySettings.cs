namespace Releasy.Api.Options;

/// <summary>
/// Every setting, parsed once and in the contract's order, so the first bad variable is the one reported.
/// </summary>
public sealed class ReleasySettings
{
    public required DatabaseOptions Database { get; init; }
    public required ReleasyOptions Releasy { get; init; }
    public required OperatorJwtOptions Operator { get; init; }
    public required ArtifactStorageOptions Artifacts { get; init; }
    public required AuditRetentionOptions AuditRetention { get; init; }

    public static ReleasySettings Parse(IConfiguration config) => Parse(config, DatabaseOptions.FromConfiguration(config));

    /// <summary>The remaining settings, after <paramref name="database"/>, which was read first.</summary>
    public static ReleasySettings Parse(IConfiguration config, DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(database);
        var releasy = ReleasyOptions.FromConfiguration(config);
        var jwt = OperatorJwtOptions.FromConfiguration(config);
        var artifacts = ArtifactStorageOptions.FromConfiguration(config);
        var retention = AuditRetentionOptions.FromConfiguration(config);
        return new ReleasySettings
        {
            Database = database, Releasy = releasy, Operator = jwt, Artifacts = artifacts, AuditRetention = retention,
        };
    }
}
