using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Sqlite.Tests;

/// <summary>The file is in WAL mode, the store's connections carry their pragmas, and the seed's sqlite3 queries work.</summary>
public class ConnectionPragmaTests : SqliteTestDatabase
{
    private static readonly string[] SeedProfileColumns =
    [
        "id", "name", "description", "prompts_per_hour", "prompts_per_day", "config_changes_per_hour",
        "input_tokens_per_month", "output_tokens_per_month", "is_default", "is_active", "created_at", "updated_at",
    ];

    private static readonly string[] SeedUsageColumns =
    [
        "id", "user_id", "period", "input_tokens_used", "output_tokens_used", "total_tokens_used", "first_usage_at", "last_usage_at",
    ];

    [Test]
    public async Task JournalModeIsWalOnTheFileAfterFirstUse()
    {
        var provider = BuildServices();
        await provider.GetRequiredService<ITokenQuotaChecker>().RecordAsync("user-1", 1, 1);

        // journal_mode=WAL is persistent: a fresh, unrelated connection sees it.
        Assert.That(Scalar<string>("PRAGMA journal_mode;"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task StoreConnectionsUseSynchronousNormalForeignKeysAndTheBusyTimeout()
    {
        await StartAsync();
        var factory = new SqliteConnectionFactory(new SqliteQuotaStoreOptions { ConnectionString = ConnectionString, BusyTimeout = TimeSpan.FromMilliseconds(1_500) });

        await using var connection = await factory.OpenAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Pragma(connection, "synchronous"), Is.EqualTo(1L), "NORMAL");
            Assert.That(Pragma(connection, "foreign_keys"), Is.EqualTo(1L));
            Assert.That(Pragma(connection, "busy_timeout"), Is.EqualTo(1_500L));
            Assert.That(Pragma(connection, "journal_mode"), Is.EqualTo("wal"));
        });
    }

    [Test]
    public async Task ForeignKeysAreEnforcedOnAssignments()
    {
        await StartAsync();
        var factory = new SqliteConnectionFactory(new SqliteQuotaStoreOptions { ConnectionString = ConnectionString });
        await using var connection = await factory.OpenAsync(CancellationToken.None);
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO tokenquota_assignments (user_id, profile_id, assigned_at) VALUES ('user-1', 9999, 0);";

        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.That(error!.Message, Does.Contain("FOREIGN KEY"));
    }

    [Test]
    public async Task TheSeedsVerificationQueryWorks()
    {
        await StartAsync();

        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM consumption_profiles;";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(1));
        }

        Assert.Multiple(() =>
        {
            Assert.That(columns, Is.EqualTo(SeedProfileColumns), "the seed's columns, in the seed's order");
            Assert.That(names, Is.EquivalentTo(new[] { "Free", "Pro", "Enterprise", "Unlimited" }));
            Assert.That(
                Rows("PRAGMA table_info(user_token_usage);").Select(r => (string)r["name"]!),
                Is.EqualTo(SeedUsageColumns));
        });
    }

    [Test]
    public async Task TheSeedsVerificationQueryWorksWithTheSqlite3CommandLineTool()
    {
        var sqlite3 = FindOnPath("sqlite3");
        if (sqlite3 is null)
        {
            Assert.Ignore("sqlite3 is not installed");
        }

        await StartAsync();
        SqliteConnection.ClearAllPools();

        var info = new ProcessStartInfo(sqlite3!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DbPath);
        info.ArgumentList.Add("SELECT * FROM consumption_profiles;");
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ms = Start.ToUnixTimeMilliseconds();

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero, error);
            Assert.That(lines, Is.EqualTo(new[]
            {
                $"1|Free|Free tier|50|500|5|100000|50000|1|1|{ms}|{ms}",
                $"2|Pro|Pro tier|200|2000|20|500000|250000|0|1|{ms}|{ms}",
                $"3|Enterprise|Enterprise tier|500|5000|50|2000000|1000000|0|1|{ms}|{ms}",
                $"4|Unlimited|Unlimited tokens|1000|10000|100|||0|1|{ms}|{ms}",
            }));
        });
    }

    private static object? Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return command.ExecuteScalar();
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
