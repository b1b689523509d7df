using System.Globalization;

namespace Releasy.Api.Options;

/// <summary>Reads the contract's <c>RELEASY_*</c> settings with its exact parsing rules and messages.</summary>
internal static class ConfigReader
{
    /// <summary>"Optional (trimmed)": trimmed, and empty counts as unset.</summary>
    public static string? Optional(IConfiguration config, string name)
    {
        var value = config[name]?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Unsigned 32-bit decimal, not trimmed; a leading <c>+</c> is accepted.</summary>
    public static uint UInt32(IConfiguration config, string name, uint defaultValue)
    {
        var raw = config[name];
        if (raw is null)
        {
            return defaultValue;
        }

        var digits = raw.StartsWith('+') ? raw[1..] : raw;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit)
            && uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new StartupException($"{name} must be an integer");
    }

    /// <summary>
    /// <see cref="UInt32(IConfiguration, string, uint)"/> within <paramref name="min"/>..<paramref name="max"/>: a value the server could not
    /// honour is refused at start-up, not on every request that uses it.
    /// </summary>
    public static uint UInt32(IConfiguration config, string name, uint defaultValue, uint min, uint max)
    {
        var value = UInt32(config, name, defaultValue);
        return value >= min && value <= max
            ? value
            : throw new StartupException(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}"));
    }

    /// <summary>Trimmed, case-insensitive true/1/yes or false/0/no.</summary>
    public static bool Boolean(IConfiguration config, string name, bool defaultValue)
    {
        var raw = config[name];
        if (raw is null)
        {
            return defaultValue;
        }

        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new StartupException($"{name} must be a boolean"),
        };
    }
}
