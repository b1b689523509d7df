using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class DownloadTokenConfiguration : IEntityTypeConfiguration<DownloadToken>
{
    public void Configure(EntityTypeBuilder<DownloadToken> builder)
    {
        builder.ToTable("download_tokens");
        builder.HasKey(t => t.TokenHash);
        builder.Property(t => t.TokenHash).HasColumnName("token_hash");
        builder.Property(t => t.ArtifactId).HasColumnName("artifact_id");
        builder.Property(t => t.CustomerId).HasColumnName("customer_id");
        builder.Property(t => t.Purpose).HasColumnName("purpose");
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(t => t.ArtifactId).HasDatabaseName("download_tokens_artifact_id_idx");
        builder.HasIndex(t => t.CustomerId).HasDatabaseName("download_tokens_customer_id_idx");
        builder.HasIndex(t => t.ExpiresAt).HasDatabaseName("download_tokens_expires_at_idx");
        builder.HasOne<Artifact>().WithMany().HasForeignKey(t => t.ArtifactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Customer>().WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
