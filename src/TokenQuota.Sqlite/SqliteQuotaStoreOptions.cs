using Microsoft.Data.Sqlite;

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

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the options are invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("The SQLite connection string is empty; use for example \"Data Source=tokenquota.db\".", nameof(ConnectionString));
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"The SQLite connection string is malformed: {ex.Message}", nameof(ConnectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The SQLite connection string names no Data Source; use for example \"Data Source=tokenquota.db\".", nameof(ConnectionString));
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "The busy timeout must be more than zero and at most 10 minutes.");
        }
    }
}
