using System.ComponentModel.DataAnnotations;

namespace Releasy.MigrationService;

/// <summary>How long to wait for a database that is still starting (<c>Migrations__WaitSeconds</c>).</summary>
public sealed class MigrationOptions
{
    public const string Section = "Migrations";

    [Range(0, 3600)]
    public int WaitSeconds { get; set; } = 60;

    [Range(1, 60)]
    public int RetryDelaySeconds { get; set; } = 1;
}
