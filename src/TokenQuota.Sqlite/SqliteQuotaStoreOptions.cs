namespace TokenQuota.Sqlite;

/// <summary>Options of the SQLite store.</summary>
public sealed class SqliteQuotaStoreOptions
{
    /// <summary>Gets or sets the Microsoft.Data.Sqlite connection string, for example <c>Data Source=tokenquota.db</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=tokenquota.db";

    /// <summary>Gets or sets whether the store creates and migrates its schema on first use. Defaults to <see langword="true"/>.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a statement waits for another writer's lock before failing. Defaults to 5 seconds: a quota
    /// check that hangs for 30 s is worse than a clear failure.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
