using System.Data.Common;
using System.Globalization;
using System.Text;
using TokenQuota.Testing;

namespace TokenQuota.Stores.Tests;

/// <summary>
/// One store the contract suite runs against: where a test's database lives, how services are pointed at it, a raw
/// connection on it for assertions (the same unqualified table names work on every store), a row-for-row snapshot of
/// all TokenQuota tables, and teardown. Created once per test.
/// </summary>
public abstract class StoreBackend
{
    /// <summary>Gets the store's latest schema version (the number of its embedded migrations).</summary>
    public abstract int LatestSchemaVersion { get; }

    /// <summary>Gets the text the store's error names when a table is missing (the schema was never migrated).</summary>
    public abstract string MissingTableMessage { get; }

    /// <summary>Creates the test's empty database (skips the test when the store is not available here).</summary>
    public abstract void SetUp();

    /// <summary>Removes the test's database.</summary>
    public abstract Task TearDownAsync();

    /// <summary>Points TokenQuota at the test's database (<c>UseSqlite(...)</c>, <c>UsePostgreSql(...)</c>).</summary>
    public abstract void Use(ITokenQuotaBuilder builder, bool autoMigrate = true);

    /// <summary>Gets the <c>&lt;db&gt;</c> argument of the TestHost (tests/TokenQuota.TestHost) for the test's database.</summary>
    public abstract string HostDatabase { get; }

    /// <summary>Gets the TestHost options that select this store (none for SQLite).</summary>
    public abstract IReadOnlyList<string> HostOptions { get; }

    /// <summary>Opens a fresh, unpooled raw connection on the test's database.</summary>
    public abstract DbConnection OpenRaw();

    /// <summary>Closes pooled connections, as a process restart would (nothing to do where the server owns the data).</summary>
    public virtual void ReleaseConnections()
    {
    }

    /// <summary>Gets the names of the tables in the test's database.</summary>
    public abstract IReadOnlyList<string> TableNames();

    /// <summary>
    /// Gets the logical schema of the test's database: one line per TokenQuota table or view, <c>table name: columns</c>
    /// with the column names sorted (types and indexes left out, and SQLite's internal <c>sqlite_*</c> tables), sorted by name.
    /// </summary>
    public abstract IReadOnlyList<string> LogicalSchema();

    /// <summary>
    /// Makes every <paramref name="operation"/> (INSERT, DELETE, UPDATE or UPDATE OF column) on <paramref name="table"/>
    /// fail with <paramref name="message"/> inside the store's transaction, when <paramref name="when"/> (an expression
    /// on NEW, e.g. <c>NEW.is_default</c>) holds.
    /// </summary>
    public abstract void FailOn(string table, string operation, string message, string? when = null);

    /// <summary>
    /// Every row of every TokenQuota table and the schema itself; each table's rows rendered as text and sorted, so two
    /// snapshots are equal exactly when the database holds the same rows.
    /// </summary>
    public SortedDictionary<string, List<string>> Snapshot()
    {
        using var connection = OpenRaw();
        var snapshot = new SortedDictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["(schema)"] = DescribeSchema(connection),
        };
        foreach (var table in TableNames())
        {
            snapshot[table] = TableRows.Read(connection, table);
        }

        return snapshot;
    }

    /// <summary>Describes the schema (tables, columns, indexes, triggers) as sorted lines.</summary>
    protected abstract List<string> DescribeSchema(DbConnection connection);

    /// <summary>Reads the first column of every row of <paramref name="sql"/> as text.</summary>
    protected List<string> ReadStrings(string sql)
    {
        using var connection = OpenRaw();
        return ReadStrings(connection, sql);
    }

    protected static List<string> ReadStrings(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    protected void Execute(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
