using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenQuota.Testing;

namespace TokenQuota.Cli.Tests;

/// <summary>The result of one CLI run: exit code, stdout and stderr.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout: {Out}{Environment.NewLine}stderr: {Err}";
}

/// <summary>
/// Base of the CLI tests: a unique temporary folder per test holding a real SQLite file, in-process runs of
/// <see cref="Cli.RunAsync"/> against it, and raw SQL helpers that read the file directly.
/// </summary>
public abstract class CliTestBase
{
    protected static readonly string Actor = "cli:" + Environment.UserName;

    protected string Folder { get; private set; } = null!;

    protected string DbPath => Path.Combine(Folder, "quota.db");

    protected static string CurrentPeriod => DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [SetUp]
    public void CreateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "tokenquota-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Runs the CLI in-process on <see cref="DbPath"/> (unless the arguments name their own --db).</summary>
    protected async Task<CliResult> RunAsync(params string[] args)
    {
        var fullArgs = args.Contains("--db") ? args : [.. args, "--db", DbPath];
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await Cli.RunAsync(fullArgs, stdout, stderr);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the CLI and asserts it succeeded.</summary>
    protected async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.That(result.ExitCode, Is.Zero, result.ToString);
        Assert.That(result.Err, Is.Empty, result.ToString);
        return result;
    }

    /// <summary>Runs <c>migrate</c> on <see cref="DbPath"/>.</summary>
    protected Task<CliResult> MigrateAsync() => RunOkAsync("migrate");

    /// <summary>Writes a text file in the test folder and returns its path.</summary>
    protected string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Builds the library's services on <see cref="DbPath"/>, optionally on a fake clock.</summary>
    protected ServiceProvider Library(DateTimeOffset? now = null)
    {
        var services = new ServiceCollection();
        if (now is { } instant)
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(instant));
        }

        services.AddTokenQuotas().UseSqlite($"Data Source={DbPath}");
        return services.BuildServiceProvider();
    }

    /// <summary>Records token usage through the library, as a host would.</summary>
    protected async Task RecordAsync(string userId, long input, long output, DateTimeOffset? now = null)
    {
        await using var provider = Library(now);
        await provider.GetRequiredService<ITokenQuotaChecker>().RecordAsync(userId, input, output);
    }

    protected SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    protected T Scalar<T>(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var result = command.ExecuteScalar();
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
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

    /// <summary>The profile rows by name, from the raw table.</summary>
    protected Dictionary<string, Dictionary<string, object?>> ProfileRows() =>
        Rows("SELECT * FROM consumption_profiles;").ToDictionary(r => (string)r["name"]!, StringComparer.Ordinal);

    /// <summary>The assignments from the raw table: user id to profile id.</summary>
    protected Dictionary<string, long> Assignments() =>
        Rows("SELECT user_id, profile_id FROM tokenquota_assignments;").ToDictionary(r => (string)r["user_id"]!, r => (long)r["profile_id"]!, StringComparer.Ordinal);

    protected long ProfileId(string name) => Scalar<long>($"SELECT id FROM consumption_profiles WHERE name = '{name}';");

    protected long AuditCount() => Scalar<long>("SELECT COUNT(*) FROM tokenquota_audit_log;");

    /// <summary>Every row of every table and the schema, as sorted text: equal snapshots mean an unchanged database.</summary>
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
                if (reader.GetString(0) == "table" && !reader.GetString(1).StartsWith("sqlite_", StringComparison.Ordinal))
                {
                    tables.Add(reader.GetString(1));
                }
            }

            snapshot["(schema)"] = schema;
        }

        foreach (var table in tables)
        {
            snapshot[table] = TableRows.Read(connection, table);
        }

        return snapshot;
    }

    /// <summary>Runs a command that must fail, and asserts its exit code, its message and that the database did not change.</summary>
    protected async Task<CliResult> AssertRefusedUnchangedAsync(int exitCode, string messagePart, params string[] args)
    {
        var before = Snapshot();
        var result = await RunAsync(args);
        var after = Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString);
            Assert.That(result.Err, Does.Contain(messagePart), result.ToString);
            Assert.That(result.Out, Is.Empty, result.ToString);
            Assert.That(after, Is.EqualTo(before), "the database must not change");
        });
        return result;
    }
}
