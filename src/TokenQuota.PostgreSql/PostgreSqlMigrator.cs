using System.Globalization;
using Dapper;
using TokenQuota.Relational;
using TokenQuota.Storage;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// Applies the embedded, numbered migrations (<c>Migrations/NNNN_name.sql</c>) under a session advisory lock, so
/// concurrent migrators (several app instances starting at once) run one after another and the later ones find the
/// work done. Each migration runs in its own transaction together with its version row.
/// </summary>
internal static class PostgreSqlMigrator
{
    private static readonly MigrationCatalog Migrations = new(typeof(PostgreSqlMigrator).Assembly, "TokenQuota.PostgreSql.Migrations.");

    public static int LatestVersion => Migrations.LatestVersion;

    public static async Task MigrateAsync(NpgsqlConnection connection, PostgreSqlStatements sql, string schema, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(sql.LockMigration, cancellationToken: cancellationToken)).ConfigureAwait(false);
        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql.SelectIsSeedDatabase, cancellationToken: cancellationToken)).ConfigureAwait(false))
            {
                throw new SeedDatabaseException($"{connection.Database}/{schema}");
            }

            await connection.ExecuteAsync(new CommandDefinition(sql.CreateSchema, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(sql.CreateSchemaVersionTable, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var current = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql.SelectSchemaVersion, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var pending = Migrations.Above(current, $"The TokenQuota schema '{schema}' has version {current}");
            var nowMs = now.ToUnixTimeMilliseconds();
            foreach (var (version, name, template) in pending)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(sql.Migration(template, nowMs), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(sql.InsertSchemaVersion, new { version, description = name, now = nowMs }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(sql.UnlockMigration, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
        }
    }
}
