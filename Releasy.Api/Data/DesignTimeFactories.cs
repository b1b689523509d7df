using Microsoft.EntityFrameworkCore.Design;

namespace Releasy.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without a running database.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<ReleasyDbContext>
{
    public ReleasyDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<ReleasyDbContext>().UseNpgsql("Host=localhost;Database=releasy").Options);
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteReleasyDbContext>
{
    public SqliteReleasyDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<SqliteReleasyDbContext>().UseSqlite("Data Source=design.db").Options);
}
