using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class EntitlementConfiguration : IEntityTypeConfiguration<Entitlement>
{
    public void Configure(EntityTypeBuilder<Entitlement> builder)
    {
        builder.ToTable("entitlements");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id");
        builder.Property(e => e.CustomerId).HasColumnName("customer_id");
        builder.Property(e => e.Product).HasColumnName("product");
        builder.Property(e => e.StartsAt).HasColumnName("starts_at");
        builder.Property(e => e.EndsAt).HasColumnName("ends_at");
        builder.Property(e => e.Metadata).HasColumnName("metadata");
        builder.HasIndex(e => e.CustomerId).HasDatabaseName("entitlements_customer_id_idx");
        builder.HasIndex(e => new { e.CustomerId, e.Product }).HasDatabaseName("entitlements_customer_product_idx");
        builder.HasOne<Customer>().WithMany().HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
