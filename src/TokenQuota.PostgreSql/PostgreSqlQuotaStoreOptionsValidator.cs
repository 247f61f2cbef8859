using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// The rules of <see cref="PostgreSqlQuotaStoreOptions"/>: an <see cref="IValidateOptions{TOptions}"/> for the options
/// system, and <see cref="ThrowIfInvalid"/> for options built directly (<c>UsePostgreSql</c>, <c>new PostgreSqlQuotaStore(options)</c>).
/// </summary>
internal sealed partial class PostgreSqlQuotaStoreOptionsValidator : IValidateOptions<PostgreSqlQuotaStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlQuotaStoreOptions options) =>
        Failure(options) is { } failure ? ValidateOptionsResult.Fail(failure.Message) : ValidateOptionsResult.Success;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when the options are invalid.</summary>
    public static void ThrowIfInvalid(PostgreSqlQuotaStoreOptions options)
    {
        if (Failure(options) is { } failure)
        {
            throw failure;
        }
    }

    private static ArgumentException? Failure(PostgreSqlQuotaStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new ArgumentException("The PostgreSQL connection string is empty; use for example \"Host=localhost;Username=app;Database=app\".", nameof(options.ConnectionString));
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            return new ArgumentException($"The PostgreSQL connection string is malformed: {ex.Message}", nameof(options.ConnectionString), ex);
        }

        if (options.Schema is null || !SchemaName().IsMatch(options.Schema))
        {
            return new ArgumentException($"The schema name '{options.Schema}' is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters.", nameof(options.Schema));
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > TimeSpan.FromMinutes(10))
        {
            return new ArgumentOutOfRangeException(nameof(options.CommandTimeout), options.CommandTimeout, "The command timeout must be more than zero and at most 10 minutes.");
        }

        return null;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
