using System.Globalization;

namespace Releasy.Api.Options;

/// <summary>
/// <c>RELEASY_AUDIT_RETENTION_DAYS</c> (contract 0.10): unset keeps every audit event, as the original does. Parsed
/// like the contract's other integer settings (7: not trimmed, an optional leading <c>+</c>), and it must be positive.
/// </summary>
public sealed class AuditRetentionOptions
{
    public const string Variable = "RELEASY_AUDIT_RETENTION_DAYS";

    /// <summary>Events older than this many days are pruned; null keeps everything.</summary>
    public uint? Days { get; init; }

    public static AuditRetentionOptions FromConfiguration(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var raw = config[Variable];
        if (raw is null)
        {
            return new AuditRetentionOptions();
        }

        var digits = raw.StartsWith('+') ? raw[1..] : raw;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days == 0)
        {
            throw new StartupException($"{Variable} must be a positive integer (days), or unset to keep every audit event");
        }

        return new AuditRetentionOptions { Days = days };
    }
}
