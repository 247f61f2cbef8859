using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Sqlite;

namespace TokenQuota.Stores.Tests;

/// <summary>The SQLite store: a real database file in a unique temporary folder per test.</summary>
public sealed class SqliteBackend : StoreBackend
{
    /// <summary>Gets the test's folder.</summary>
    public string Folder { get; private set; } = null!;

    /// <summary>Gets the test's database file.</summary>
    public string DbPath => Path.Combine(Folder, "quota.db");

    public override int LatestSchemaVersion => SqliteQuotaStore.LatestSchemaVersion;

    public override string MissingTableMessage => "no such table";

    public override void SetUp()
    {
        Folder = Path.Combine(Path.GetTempPath(), "tokenquota-store-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public override Task TearDownAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    public override void Use(ITokenQuotaBuilder builder, bool autoMigrate = true) =>
        builder.UseSqlite($"Data Source={DbPath}", o => o.AutoMigrate = autoMigrate);

    public override string HostDatabase => DbPath;

    public override IReadOnlyList<string> HostOptions => [];

    public override DbConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public override void ReleaseConnections() => SqliteConnection.ClearAllPools();

    /// <summary>Every table, including <c>sqlite_sequence</c> (the AUTOINCREMENT bookkeeping).</summary>
    public override IReadOnlyList<string> TableNames() => ReadStrings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");

    public override IReadOnlyList<string> LogicalSchema() =>
        ReadStrings("""
            SELECT m.type || ' ' || m.name || ': ' || (SELECT group_concat(name, ', ') FROM (SELECT c.name FROM pragma_table_info(m.name) AS c ORDER BY c.name))
            FROM sqlite_master AS m WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name;
            """);

    public override void FailOn(string table, string operation, string message, string? when = null) =>
        Execute($"""
            CREATE TRIGGER "fail_{Guid.NewGuid():N}" BEFORE {operation} ON {table}
            {(when is null ? string.Empty : $"WHEN {when}")} BEGIN SELECT RAISE(ABORT, '{message}'); END;
            """);

    protected override List<string> DescribeSchema(DbConnection connection) =>
        ReadStrings(connection, "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name;");
}
