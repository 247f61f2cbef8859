using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TokenQuota.PostgreSql;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// The PostgreSQL store: a fresh schema per test on the configured server (dropped afterwards); the test is skipped,
/// saying how to run it, when no server is configured.
/// </summary>
public sealed class PostgresBackend : StoreBackend
{
    private string serverConnectionString = null!;

    public override int LatestSchemaVersion => PostgreSqlQuotaStore.LatestSchemaVersion;

    public override string MissingTableMessage => "does not exist";

    /// <summary>Gets the test's schema.</summary>
    public string Schema { get; private set; } = null!;

    public override void SetUp()
    {
        serverConnectionString = PostgresServer.RequireConnectionString();
        Schema = "tq_" + Guid.NewGuid().ToString("N")[..12];
    }

    public override async Task TearDownAsync()
    {
        if (Schema is null)
        {
            return;
        }

        try
        {
            await using var connection = OpenServer();
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP SCHEMA IF EXISTS {Schema} CASCADE;";
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be down after a failure test that could not restart it; the cluster is thrown away.
        }
    }

    public override void Use(ITokenQuotaBuilder builder, bool autoMigrate = true) =>
        builder.UsePostgreSql(serverConnectionString, o =>
        {
            o.Schema = Schema;
            o.AutoMigrate = autoMigrate;
        });

    /// <summary>The server, with a pool small enough that four app instances (OS processes) stay within the server's connection limit.</summary>
    public override string HostDatabase => new NpgsqlConnectionStringBuilder(serverConnectionString) { MaxPoolSize = 40 }.ToString();

    public override IReadOnlyList<string> HostOptions => ["--postgres", Schema];

    /// <summary>A raw connection whose search path is the test's schema, so the same unqualified table names work.</summary>
    public override DbConnection OpenRaw()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnectionString) { SearchPath = Schema, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public override IReadOnlyList<string> TableNames() =>
        ReadStrings($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{Schema}' AND table_type = 'BASE TABLE' ORDER BY table_name;");

    public override IReadOnlyList<string> LogicalSchema() =>
        ReadStrings($"""
            SELECT CASE t.table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END || ' ' || t.table_name || ': ' ||
                   (SELECT string_agg(c.column_name, ', ' ORDER BY c.column_name COLLATE "C") FROM information_schema.columns AS c
                    WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name)
            FROM information_schema.tables AS t WHERE t.table_schema = '{Schema}' ORDER BY t.table_name COLLATE "C";
            """);

    public override void FailOn(string table, string operation, string message, string? when = null)
    {
        var name = "fail_" + Guid.NewGuid().ToString("N");
        Execute($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$;
            CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW
            {(when is null ? string.Empty : $"WHEN ({when})")} EXECUTE FUNCTION {name}();
            """);
    }

    /// <summary>Tables and columns, indexes and triggers of the test's schema.</summary>
    protected override List<string> DescribeSchema(DbConnection connection) =>
        ReadStrings(connection, $"""
            SELECT 'column ' || table_name || '.' || column_name || ': ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '')
            FROM information_schema.columns WHERE table_schema = '{Schema}'
            UNION ALL SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = '{Schema}'
            UNION ALL SELECT 'trigger ' || event_object_table || '.' || trigger_name || ': ' || event_manipulation
            FROM information_schema.triggers WHERE trigger_schema = '{Schema}'
            ORDER BY 1;
            """);

    private NpgsqlConnection OpenServer()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
