namespace Releasy.Api.Options;

public enum DatabaseProvider
{
    Postgres,
    Sqlite,
}
