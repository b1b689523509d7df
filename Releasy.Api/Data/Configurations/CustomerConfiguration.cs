using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("id");
        builder.Property(c => c.Name).HasColumnName("name");
        builder.Property(c => c.Plan).HasColumnName("plan");
        builder.Property(c => c.AllowedPrefixes).HasColumnName("allowed_prefixes");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.SuspendedAt).HasColumnName("suspended_at");
    }
}
