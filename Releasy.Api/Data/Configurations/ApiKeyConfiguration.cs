using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasColumnName("id");
        builder.Property(k => k.CustomerId).HasColumnName("customer_id");
        builder.Property(k => k.KeyHash).HasColumnName("key_hash");
        builder.Property(k => k.KeyPrefix).HasColumnName("key_prefix");
        builder.Property(k => k.Name).HasColumnName("name");
        builder.Property(k => k.KeyType).HasColumnName("key_type");
        builder.Property(k => k.Scopes).HasColumnName("scopes");
        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        builder.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("api_keys_key_hash_key");
        builder.HasIndex(k => k.CustomerId).HasDatabaseName("api_keys_customer_id_idx");
        builder.HasIndex(k => k.KeyPrefix).HasDatabaseName("api_keys_key_prefix_idx");
        builder.HasOne<Customer>().WithMany().HasForeignKey(k => k.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
