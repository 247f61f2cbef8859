using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TokenQuota.Sqlite;
using TokenQuota.Storage;

namespace TokenQuota.Benchmarks;

/// <summary>
/// A temporary SQLite file with TokenQuota's schema, a default profile with FINITE token limits and rate limits high
/// enough never to refuse, and optionally seeded usage history; plus the services built on it.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private BenchDatabase(string folder, ServiceProvider provider)
    {
        Folder = folder;
        Provider = provider;
        Checker = provider.GetRequiredService<ITokenQuotaChecker>();
        Rates = provider.GetRequiredService<IRateLimitPolicy>();
        Store = provider.GetRequiredService<IQuotaStore>();
    }

    public string Folder { get; }

    public string DbPath => Path.Combine(Folder, "bench.db");

    public ServiceProvider Provider { get; }

    public ITokenQuotaChecker Checker { get; }

    public IRateLimitPolicy Rates { get; }

    public IQuotaStore Store { get; }

    /// <summary>Creates the file, the services and the profile, and seeds <paramref name="users"/> users × <paramref name="months"/> months of usage.</summary>
    public static async Task<BenchDatabase> CreateAsync(int users, int months)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tokenquota-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var services = new ServiceCollection();
        services.AddTokenQuotas(o => o.MaxCachedAssignments = Math.Max(100_000, users)).UseSqlite($"Data Source={Path.Combine(folder, "bench.db")}");
        var db = new BenchDatabase(folder, services.BuildServiceProvider());
        await db.Store.MigrateAsync();
        var profiles = db.Provider.GetRequiredService<IConsumptionProfileManager>();
        await profiles.CreateAsync(new NewConsumptionProfile
        {
            Name = "Bench",
            PromptsPerHour = 1_000_000_000,
            PromptsPerDay = 1_000_000_000,
            InputTokensPerMonth = 1_000_000_000_000_000,
            OutputTokensPerMonth = 1_000_000_000_000_000,
            IsDefault = true,
        });
        db.Seed(users, months);
        return db;
    }

    public static string UserId(int i) => "user-" + i.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Opens a raw connection with the store's pragmas (the writer's: its automatic checkpoint threshold too).</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 10000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Seed(int users, int months)
    {
        using var connection = OpenRaw();
        var current = QuotaPeriod.Current(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ($u, $p, 100, 50, 150, $now, $now);
            """;
        var u = insert.Parameters.Add("$u", SqliteType.Text);
        var p = insert.Parameters.Add("$p", SqliteType.Text);
        insert.Parameters.AddWithValue("$now", now);
        var periods = Enumerable.Range(0, months).Select(m => Add(current, -m).Key).ToArray();
        var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        insert.Prepare();
        var n = 0;
        // Month by month, oldest first, as a live system writes them: each month's rows are created during that month,
        // so the current month's rows sit together at the end of the table rather than between every user's history.
        foreach (var period in periods.Reverse())
        {
            p.Value = period;
            for (var i = 0; i < users; i++)
            {
                u.Value = UserId(i);
                insert.ExecuteNonQuery();
                if (++n % 50_000 == 0)
                {
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = connection.BeginTransaction();
                    insert.Transaction = transaction;
                }
            }
        }

        transaction.Commit();
        transaction.Dispose();
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        analyze.ExecuteNonQuery();
    }

    private static QuotaPeriod Add(QuotaPeriod period, int months)
    {
        var index = (period.Year * 12) + period.Month - 1 + months;
        return new QuotaPeriod(index / 12, (index % 12) + 1);
    }
}
