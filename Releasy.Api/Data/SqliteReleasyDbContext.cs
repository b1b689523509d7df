namespace Releasy.Api.Data;

/// <summary>Same model, its own migration set: EF keeps one set per provider.</summary>
public sealed class SqliteReleasyDbContext(DbContextOptions<SqliteReleasyDbContext> options) : ReleasyDbContext(options);
