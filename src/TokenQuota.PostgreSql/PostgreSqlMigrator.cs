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
    public static IReadOnlyList<EmbeddedMigration> Migrations { get; } = EmbeddedMigration.LoadAll(typeof(PostgreSqlMigrator).Assembly, "TokenQuota.PostgreSql.Migrations.");

    public static int LatestVersion => Migrations[^1].Version;

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
            if (current > LatestVersion)
            {
                throw new TokenQuotaStoreException(
                    $"The TokenQuota schema '{schema}' has version {current}, but this version of TokenQuota.PostgreSql knows only up to {LatestVersion}. " +
                    "It was migrated by a newer TokenQuota; upgrade the package instead of using it with this one.");
            }

            var nowMs = now.ToUnixTimeMilliseconds();
            foreach (var (version, name, template) in Migrations)
            {
                if (version <= current)
                {
                    continue;
                }

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
