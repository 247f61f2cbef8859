using System.Globalization;
using Dapper;
using TokenQuota.Relational;
using TokenQuota.Storage;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// Applies the embedded, numbered migrations (<c>Migrations/NNNN_name.sql</c>) inside one <c>BEGIN IMMEDIATE</c>
/// transaction, so two processes starting at once serialise and the second finds the work done.
/// </summary>
internal static class SqliteMigrator
{
    private static readonly MigrationCatalog Migrations = new(typeof(SqliteMigrator).Assembly, "TokenQuota.Sqlite.Migrations.");

    public static int LatestVersion => Migrations.LatestVersion;

    public static async Task MigrateAsync(SqliteConnection connection, DateTimeOffset now, string dataSource, CancellationToken cancellationToken)
    {
        // Before anything is written: even journal_mode would change the seed's file.
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SqliteSql.SelectIsSeedDatabase, cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            throw new SeedDatabaseException(dataSource);
        }

        // journal_mode is persistent in the file and cannot change inside a transaction.
        await connection.ExecuteAsync(new CommandDefinition(SqliteSql.EnableWal, cancellationToken: cancellationToken)).ConfigureAwait(false);

        using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(new CommandDefinition(SqliteSql.CreateSchemaVersionTable, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.SelectSchemaVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var pending = Migrations.Above(current, $"The TokenQuota database '{dataSource}' has schema version {current}");
        var nowMs = now.ToUnixTimeMilliseconds();
        foreach (var (version, name, sql) in pending)
        {
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql;
                command.Parameters.AddWithValue("$now", nowMs);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                SqliteSql.InsertSchemaVersion, new { version, description = name, now = nowMs }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        transaction.Commit();
    }
}
