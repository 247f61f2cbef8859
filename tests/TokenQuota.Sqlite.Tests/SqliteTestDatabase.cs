using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TokenQuota.Sqlite.Tests;

/// <summary>
/// Base class of the SQLite integration tests: a unique temporary folder per test holding a real database file,
/// services built on it with a <see cref="FakeTimeProvider"/>, and raw SQL helpers that read the file directly.
/// </summary>
public abstract class SqliteTestDatabase
{
    /// <summary>A Friday in December 2025, 10:00 UTC.</summary>
    protected static readonly DateTimeOffset Start = new(2025, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> providers = [];

    protected string Folder { get; private set; } = null!;

    protected string DbPath => Path.Combine(Folder, "quota.db");

    protected string ConnectionString => $"Data Source={DbPath}";

    protected FakeTimeProvider Clock { get; private set; } = null!;

    [SetUp]
    public void CreateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "tokenquota-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Clock = new FakeTimeProvider(Start);
    }

    [TearDown]
    public async Task DeleteFolder()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        providers.Clear();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Builds services on <see cref="DbPath"/> (or another connection string); disposed in teardown unless disposed earlier.</summary>
    protected ServiceProvider BuildServices(
        Action<TokenQuotaOptions>? configure = null,
        string? connectionString = null,
        Action<SqliteQuotaStoreOptions>? store = null,
        Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Clock);
        services?.Invoke(collection);
        collection.AddTokenQuotas(configure).UseSqlite(connectionString ?? ConnectionString, store);
        var provider = collection.BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    /// <summary>Builds services on the database and migrates it, returning the three public services.</summary>
    protected async Task<Services> StartAsync(Action<TokenQuotaOptions>? configure = null)
    {
        var provider = BuildServices(configure);
        await provider.GetRequiredService<IQuotaStore>().MigrateAsync();
        return new Services(provider);
    }

    /// <summary>Opens a fresh, unpooled raw connection on the database file.</summary>
    protected SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    protected T Scalar<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = command.ExecuteScalar();
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    protected void Execute(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Reads every row of a query as a dictionary of column name to value (DBNull read as null).</summary>
    protected List<Dictionary<string, object?>> Rows(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    protected long AuditCount() => Scalar<long>("SELECT COUNT(*) FROM tokenquota_audit_log;");

    /// <summary>
    /// Every row of every table, including <c>sqlite_sequence</c>, and the schema itself; each table's rows rendered as
    /// text and sorted, so two snapshots are equal exactly when the database holds the same rows.
    /// </summary>
    protected SortedDictionary<string, List<string>> Snapshot()
    {
        using var connection = OpenRaw();
        var tables = new List<string>();
        var snapshot = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name;";
            using var reader = command.ExecuteReader();
            var schema = new List<string>();
            while (reader.Read())
            {
                schema.Add($"{reader.GetString(0)} {reader.GetString(1)}: {(reader.IsDBNull(2) ? string.Empty : reader.GetString(2))}");
                if (reader.GetString(0) == "table")
                {
                    tables.Add(reader.GetString(1));
                }
            }

            snapshot["(schema)"] = schema;
        }

        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\";";
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Append(reader.GetName(i)).Append('=')
                        .Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))
                        .Append('|');
                }

                rows.Add(row.ToString());
            }

            rows.Sort(StringComparer.Ordinal);
            snapshot[table] = rows;
        }

        return snapshot;
    }

    protected async Task<long> ProfileIdAsync(IConsumptionProfileManager profiles, string name) =>
        (await profiles.ListAsync()).Single(p => p.Name == name).Id;

    /// <summary>Leaves no default profile, so a user without an assignment has no profile at all.</summary>
    protected async Task RemoveDefaultAsync(IConsumptionProfileManager profiles) =>
        await profiles.UpdateAsync(await ProfileIdAsync(profiles, "Free"), new ConsumptionProfileUpdate { IsDefault = false });

    protected sealed class Services(ServiceProvider provider)
    {
        public ServiceProvider Provider { get; } = provider;

        public ITokenQuotaChecker Checker => Provider.GetRequiredService<ITokenQuotaChecker>();

        public IRateLimitPolicy Rates => Provider.GetRequiredService<IRateLimitPolicy>();

        public IConsumptionProfileManager Profiles => Provider.GetRequiredService<IConsumptionProfileManager>();

        public IQuotaStore Store => Provider.GetRequiredService<IQuotaStore>();
    }
}
