namespace TokenQuota.PostgreSql;

/// <summary>Options of the PostgreSQL store.</summary>
public sealed class PostgreSqlQuotaStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string, for example <c>Host=db;Username=app;Password=…;Database=app</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the schema that holds TokenQuota's tables; created if missing. Lower-case letters, digits and
    /// underscores, starting with a letter or underscore, at most 63 characters. Defaults to <c>tokenquota</c>.
    /// </summary>
    public string Schema { get; set; } = "tokenquota";

    /// <summary>Gets or sets whether the store creates and migrates its schema on first use. Defaults to <see langword="true"/>.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>Gets or sets how long one statement may run (including waiting for a lock) before it fails. Defaults to 5 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
