using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.IdempotencyKey, r.Endpoint });
        builder.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key");
        builder.Property(r => r.Endpoint).HasColumnName("endpoint");
        builder.Property(r => r.RequestHash).HasColumnName("request_hash");
        builder.Property(r => r.ResponseStatus).HasColumnName("response_status");
        builder.Property(r => r.ResponseBody).HasColumnName("response_body");
        builder.Property(r => r.State).HasColumnName("state");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at");
        builder.Property(r => r.ExpiresAt).HasColumnName("expires_at");
        builder.HasIndex(r => r.ExpiresAt).HasDatabaseName("idempotency_keys_expires_at_idx");
    }
}
