using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id");
        builder.Property(e => e.CustomerId).HasColumnName("customer_id");
        builder.Property(e => e.Actor).HasColumnName("actor");
        builder.Property(e => e.Event).HasColumnName("event");
        builder.Property(e => e.Payload).HasColumnName("payload");
        builder.Property(e => e.CreatedAt).HasColumnName("created_at");
        // The list endpoint orders by time; the original had no index here, which grows into a full scan.
        builder.HasIndex(e => e.CreatedAt).HasDatabaseName("audit_events_created_at_idx");
    }
}
