namespace TokenQuota.Cli;

/// <summary>The store a command runs against.</summary>
internal enum StoreProvider
{
    /// <summary>A SQLite file (TokenQuota.Sqlite).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (TokenQuota.PostgreSql).</summary>
    Postgres,
}
