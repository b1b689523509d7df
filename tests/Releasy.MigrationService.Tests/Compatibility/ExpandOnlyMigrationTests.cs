using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Releasy.Api.Data;
using Releasy.Api.Options;

namespace Releasy.MigrationService.Tests.Compatibility;

/// <summary>
/// The expand-only guard: every migration added since the previous release (tests/previous-release) keeps that
/// release working on the new schema, so a rollout can run both versions side by side.
/// </summary>
public sealed class ExpandOnlyMigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Postgres, "Releasy.Api/Data/Migrations/Postgres")]
    [InlineData(DatabaseProvider.Sqlite, "Releasy.Api/Data/Migrations/Sqlite")]
    public void Migrations_since_the_previous_release_only_expand_the_schema(DatabaseProvider provider, string folder)
    {
        var previous = PreviousRelease.Files(folder)
            .Where(f => char.IsAsciiDigit(f[0]) && f.EndsWith(".cs", StringComparison.Ordinal) && !f.EndsWith(".Designer.cs", StringComparison.Ordinal))
            .Select(f => f[..^".cs".Length])
            .ToList();
        Assert.NotEmpty(previous);
        var current = CurrentMigrations(provider);

        // The previous release's migrations stay as they were: it checks them by id at start-up.
        Assert.Empty(previous.Except(current.Keys));
        var last = previous.Max(StringComparer.Ordinal)!;
        var violations = current
            .Where(m => string.CompareOrdinal(m.Key, last) > 0)
            .SelectMany(m => ContractingOperations.Find(m.Value).Select(v => $"{m.Key} {v}"))
            .ToList();
        Assert.True(violations.Count == 0,
            "Migrations after the previous release must only expand the schema (README, \"Schema compatibility\"):\n" +
            string.Join('\n', violations));
    }

    [Fact]
    public void The_guard_flags_every_contracting_operation()
    {
        MigrationOperation[] contracting =
        [
            new DropTableOperation { Name = "releases" },
            new DropColumnOperation { Table = "releases", Name = "notes" },
            new RenameTableOperation { Name = "releases", NewName = "versions" },
            new RenameColumnOperation { Table = "releases", Name = "notes", NewName = "changelog" },
            Alter(old: Column(nullable: true), now: Column(nullable: false)),
            Alter(old: Column(maxLength: 200), now: Column(maxLength: 100)),
            Alter(old: Column(), now: Column(maxLength: 100)),
            Alter(old: Column(type: "text"), now: Column(type: "integer")),
            new AddColumnOperation { Table = "releases", Name = "channel", ClrType = typeof(string), IsNullable = false },
            new SqlOperation { Sql = "ALTER TABLE releases DROP COLUMN notes;" },
            new SqlOperation { Sql = "ALTER TABLE releases ALTER COLUMN notes TYPE integer;" },
        ];

        Assert.Equal(contracting.Length, ContractingOperations.Find(contracting).Count);
    }

    [Fact]
    public void The_guard_lets_expanding_operations_through()
    {
        MigrationOperation[] expanding =
        [
            new CreateTableOperation { Name = "channels" },
            new AddColumnOperation { Table = "releases", Name = "notes", ClrType = typeof(string), IsNullable = true },
            new AddColumnOperation { Table = "releases", Name = "channel", ClrType = typeof(string), IsNullable = false, DefaultValue = "stable" },
            new CreateIndexOperation { Table = "releases", Name = "ix_releases_channel", Columns = ["channel"] },
            Alter(old: Column(nullable: false), now: Column(nullable: true)),
            Alter(old: Column(maxLength: 100), now: Column(maxLength: 200)),
            Alter(old: Column(maxLength: 100), now: Column()),
            new SqlOperation { Sql = "UPDATE releases SET channel = 'stable' WHERE channel IS NULL;" },
        ];

        Assert.Empty(ContractingOperations.Find(expanding));
    }

    /// <summary>Each migration of this build, by id, with the operations its Up applies.</summary>
    private static Dictionary<string, IReadOnlyList<MigrationOperation>> CurrentMigrations(DatabaseProvider provider)
    {
        var connectionString = provider == DatabaseProvider.Postgres ? "Host=127.0.0.1;Database=none" : "Data Source=:memory:";
        using var connection = new DatabaseConnection(new DatabaseOptions { Provider = provider, ConnectionString = connectionString });
        using var db = connection.CreateContext();
        var migrations = db.GetService<IMigrationsAssembly>();
        return migrations.Migrations.ToDictionary(
            m => m.Key,
            m => migrations.CreateMigration(m.Value, db.Database.ProviderName!).UpOperations);
    }

    private static AlterColumnOperation Alter(ColumnOperation old, ColumnOperation now) => new()
    {
        Table = "releases",
        Name = "notes",
        ClrType = now.ClrType,
        ColumnType = now.ColumnType,
        IsNullable = now.IsNullable,
        MaxLength = now.MaxLength,
        OldColumn = old,
    };

    private static AddColumnOperation Column(bool nullable = false, int? maxLength = null, string type = "text") => new()
    {
        Table = "releases",
        Name = "notes",
        ClrType = type == "integer" ? typeof(int) : typeof(string),
        ColumnType = type,
        IsNullable = nullable,
        MaxLength = maxLength,
    };
}
