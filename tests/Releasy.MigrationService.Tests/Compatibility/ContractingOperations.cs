using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Releasy.MigrationService.Tests.Compatibility;

/// <summary>
/// Migration operations that break the previous release while both run on one schema (expand/contract: a release
/// may only expand; removing what the previous one uses waits for a later release). Returns one line per operation.
/// </summary>
public static partial class ContractingOperations
{
    public static IReadOnlyList<string> Find(IEnumerable<MigrationOperation> operations) =>
        [.. operations.Select(Describe).OfType<string>()];

    private static string? Describe(MigrationOperation operation) => operation switch
    {
        DropTableOperation drop => $"drops table {drop.Name}",
        DropColumnOperation drop => $"drops column {drop.Table}.{drop.Name}",
        RenameTableOperation rename => $"renames table {rename.Name} to {rename.NewName}",
        RenameColumnOperation rename => $"renames column {rename.Table}.{rename.Name} to {rename.NewName}",
        AlterColumnOperation alter when Narrows(alter) is { } how => $"narrows column {alter.Table}.{alter.Name} ({how})",
        AddColumnOperation add when !add.IsNullable && add.DefaultValue is null && add.DefaultValueSql is null && add.ComputedColumnSql is null
            => $"adds NOT NULL column {add.Table}.{add.Name} without a default (the previous release's inserts fail)",
        SqlOperation sql when DestructiveSql().IsMatch(sql.Sql) => $"runs destructive SQL: {sql.Sql.Trim()}",
        _ => null,
    };

    /// <summary>Why the new column accepts less than the old one did, or null when it accepts at least as much.</summary>
    private static string? Narrows(AlterColumnOperation alter)
    {
        var old = alter.OldColumn;
        if (old.IsNullable && !alter.IsNullable)
        {
            return "NULL no longer allowed";
        }

        if (alter.ClrType != old.ClrType || !string.Equals(alter.ColumnType, old.ColumnType, StringComparison.OrdinalIgnoreCase))
        {
            return $"type {old.ColumnType ?? old.ClrType.Name} to {alter.ColumnType ?? alter.ClrType.Name}";
        }

        return alter.MaxLength is { } max && (old.MaxLength is null || max < old.MaxLength)
            ? $"length {old.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unbounded"} to {max}"
            : null;
    }

    [GeneratedRegex(@"\b(DROP\s+(TABLE|COLUMN|SCHEMA)|RENAME\s+(TO|COLUMN)|ALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE|SET\s+NOT\s+NULL|TRUNCATE)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DestructiveSql();
}
