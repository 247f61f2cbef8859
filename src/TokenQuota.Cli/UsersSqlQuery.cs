using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TokenQuota.Cli;

/// <summary>
/// Runs <c>--users-sql</c>: a query on the host's database (the one <c>--db</c> names) that returns the user ids in
/// one text column. It runs read-only (a read-only SQLite connection, a <c>READ ONLY</c> PostgreSQL transaction), so
/// a mistyped statement cannot change the host's data. Every problem is a <see cref="CliUsageException"/> naming the
/// row: a failing query, no or several columns, no rows, a NULL or non-text value, an invalid id.
/// Repeated ids count once (a query over a join may list a user twice).
/// </summary>
internal static class UsersSqlQuery
{
    public const string OptionName = "--users-sql";

    /// <summary>Runs the query and reads the ids.</summary>
    /// <param name="provider">The store, which is also the host's database engine.</param>
    /// <param name="connectionString">The store's connection string.</param>
    /// <param name="sql">The query.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The distinct ids, in the query's order.</returns>
    /// <exception cref="CliUsageException">The query failed or returned something other than user ids.</exception>
    public static async Task<IReadOnlyList<string>> ReadAsync(StoreProvider provider, string connectionString, string sql, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new CliUsageException($"{OptionName} is empty; give a query that returns the user ids in one text column, for example \"SELECT id FROM users\".");
        }

        try
        {
            return provider == StoreProvider.Postgres
                ? await ReadPostgresAsync(connectionString, sql, cancellationToken).ConfigureAwait(false)
                : await ReadSqliteAsync(connectionString, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new CliUsageException($"{OptionName} failed: {ex.Message.Trim()} (the query runs read-only on the --db database).");
        }
    }

    private static async Task<IReadOnlyList<string>> ReadSqliteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly };
        var connection = new SqliteConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await ReadIdsAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<string>> ReadPostgresAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY;", connection, transaction))
                {
                    await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var command = new NpgsqlCommand(sql, connection, transaction);
                var ids = await ReadIdsAsync(command, cancellationToken).ConfigureAwait(false);
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return ids;
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ReadIdsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (reader.FieldCount == 0)
            {
                throw new CliUsageException($"{OptionName} returned no columns; it must be a query that returns the user ids in one text column.");
            }

            if (reader.FieldCount > 1)
            {
                throw new CliUsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{OptionName} returned {reader.FieldCount} columns; it must return the user ids in exactly one text column."));
            }

            var ids = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var row = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row++;
                var id = ReadId(reader, row);
                if (seen.Add(id))
                {
                    ids.Add(id);
                }
            }

            if (row == 0)
            {
                throw new CliUsageException($"{OptionName} returned no rows; it must return the id of every user of the host.");
            }

            return ids;
        }
    }

    /// <summary>Reads and validates one row's user id.</summary>
    private static string ReadId(DbDataReader reader, int row)
    {
        if (reader.IsDBNull(0))
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"{OptionName} row {row}: the user id is NULL."));
        }

        if (reader.GetValue(0) is not string id)
        {
            var value = Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture);
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{OptionName} row {row}: the value {value} is a {reader.GetFieldType(0).Name}, not text; cast the column to text " +
                $"(SQLite: CAST(id AS TEXT), PostgreSQL: id::text)."));
        }

        try
        {
            UserIds.Validate(id);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture, $"{OptionName} row {row}: invalid user id '{id}': {UserIdFile.StripParamName(ex)}"));
        }

        return id;
    }
}
