using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace TokenQuota.Sqlite;

/// <summary>
/// The rules of <see cref="SqliteQuotaStoreOptions"/>: an <see cref="IValidateOptions{TOptions}"/> for the options
/// system, and <see cref="ThrowIfInvalid"/> for options built directly (<c>UseSqlite</c>, <c>new SqliteQuotaStore(options)</c>).
/// </summary>
internal sealed class SqliteQuotaStoreOptionsValidator : IValidateOptions<SqliteQuotaStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteQuotaStoreOptions options) =>
        Failure(options) is { } failure ? ValidateOptionsResult.Fail(failure.Message) : ValidateOptionsResult.Success;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when the options are invalid.</summary>
    public static void ThrowIfInvalid(SqliteQuotaStoreOptions options)
    {
        if (Failure(options) is { } failure)
        {
            throw failure;
        }
    }

    private static ArgumentException? Failure(SqliteQuotaStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new ArgumentException("The SQLite connection string is empty; use for example \"Data Source=tokenquota.db\".", nameof(options.ConnectionString));
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return new ArgumentException($"The SQLite connection string is malformed: {ex.Message}", nameof(options.ConnectionString), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            return new ArgumentException("The SQLite connection string names no Data Source; use for example \"Data Source=tokenquota.db\".", nameof(options.ConnectionString));
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            return new ArgumentOutOfRangeException(nameof(options.BusyTimeout), options.BusyTimeout, "The busy timeout must be more than zero and at most 10 minutes.");
        }

        return null;
    }
}
