using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> builder)
    {
        builder.ToTable("releases");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id");
        builder.Property(r => r.Product).HasColumnName("product");
        builder.Property(r => r.Version).HasColumnName("version");
        builder.Property(r => r.Status).HasColumnName("status");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at");
        builder.Property(r => r.PublishedAt).HasColumnName("published_at");
        builder.HasIndex(r => new { r.Product, r.Status, r.CreatedAt })
            .IsDescending(false, false, true)
            .HasDatabaseName("releases_product_status_created_at_idx");
        builder.HasIndex(r => new { r.Product, r.Version }).IsUnique().HasDatabaseName("releases_product_version_idx");
    }
}
