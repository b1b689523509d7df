using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data;

/// <summary>The PostgreSQL model; <see cref="SqliteReleasyDbContext"/> carries the SQLite migration set.</summary>
public class ReleasyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<Entitlement> Entitlements => Set<Entitlement>();
    public DbSet<DownloadToken> DownloadTokens => Set<DownloadToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ReleasyDbContext).Assembly);
    }
}
