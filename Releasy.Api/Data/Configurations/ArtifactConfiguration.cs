using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Releasy.Api.Data.Entities;

namespace Releasy.Api.Data.Configurations;

internal sealed class ArtifactConfiguration : IEntityTypeConfiguration<Artifact>
{
    public void Configure(EntityTypeBuilder<Artifact> builder)
    {
        builder.ToTable("artifacts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName("id");
        builder.Property(a => a.ReleaseId).HasColumnName("release_id");
        builder.Property(a => a.ObjectKey).HasColumnName("object_key");
        builder.Property(a => a.Checksum).HasColumnName("checksum");
        builder.Property(a => a.Size).HasColumnName("size");
        builder.Property(a => a.Platform).HasColumnName("platform");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(a => new { a.ReleaseId, a.ObjectKey }).IsUnique().HasDatabaseName("artifacts_release_object_key_idx");
        builder.HasIndex(a => a.ReleaseId).HasDatabaseName("artifacts_release_id_idx");
        builder.HasOne<Release>().WithMany().HasForeignKey(a => a.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
