using System.Text.RegularExpressions;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>Options of the PostgreSQL store.</summary>
public sealed partial class PostgreSqlQuotaStoreOptions
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

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the options are invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string is empty; use for example \"Host=localhost;Username=app;Database=app\".", nameof(ConnectionString));
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The PostgreSQL connection string is malformed: {ex.Message}", nameof(ConnectionString), ex);
        }

        if (Schema is null || !SchemaName().IsMatch(Schema))
        {
            throw new ArgumentException($"The schema name '{Schema}' is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters.", nameof(Schema));
        }

        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(CommandTimeout), CommandTimeout, "The command timeout must be more than zero and at most 10 minutes.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
