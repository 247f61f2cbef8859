using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite.Tests;

/// <summary>Migrations of one SQLite file by several OS processes at once (the store-agnostic migration tests are in TokenQuota.Stores.Tests).</summary>
public class MigrationTests : SqliteTestDatabase
{
    private static readonly string[] SeedProfileNames = ["Enterprise", "Free", "Pro", "Unlimited"];

    /// <summary>Takes a migrated file back to version 4: reservations summed on every read, one index by user.</summary>
    private const string BackToVersion4 = """
        DELETE FROM tokenquota_schema_version WHERE version = 9;
        DROP TABLE tokenquota_subject_holds; DROP TABLE tokenquota_team_members; DROP TABLE tokenquota_teams; DROP TABLE tokenquota_organisations;
        DELETE FROM tokenquota_schema_version WHERE version = 8;
        DROP TABLE tokenquota_model_prices; DROP TABLE tokenquota_model_usage;
        DELETE FROM tokenquota_schema_version WHERE version = 7;
        DROP TABLE tokenquota_profile_limits;
        DROP TABLE tokenquota_limit_counters;
        DROP TABLE tokenquota_limit_holds;
        DELETE FROM tokenquota_schema_version WHERE version = 6;
        DROP TABLE tokenquota_reserved_totals;
        DROP INDEX idx_tokenquota_reservations_held;
        DROP INDEX idx_tokenquota_reservations_committed;
        CREATE INDEX idx_tokenquota_reservations_user ON tokenquota_reservations (user_id, state, period, expires_at);
        DELETE FROM tokenquota_schema_version WHERE version = 5;
        """;

    [Test]
    [Repeat(3)]
    public async Task TwoProcessesMigratingTheSameFreshFileAtOnceBothSucceed()
    {
        var goFile = Path.Combine(Folder, "go");
        using var first = TestHostProcess.Start("migrate", DbPath, "--go", goFile);
        using var second = TestHostProcess.Start("migrate", DbPath, "--go", goFile);
        await first.WaitUntilReadyAsync();
        await second.WaitUntilReadyAsync();
        await File.WriteAllTextAsync(goFile, "go");

        var firstResult = await first.WaitForExitAsync();
        var secondResult = await second.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(firstResult.ExitCode, Is.Zero, firstResult.Output);
            Assert.That(secondResult.ExitCode, Is.Zero, secondResult.Output);
            Assert.That(
                Rows("SELECT name FROM consumption_profiles ORDER BY name;").Select(r => (string)r["name"]!),
                Is.EqualTo(SeedProfileNames));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM consumption_profiles WHERE is_default = 1;"), Is.EqualTo(1));
            Assert.That(
                Rows("SELECT version, COUNT(*) AS n FROM tokenquota_schema_version GROUP BY version ORDER BY version;")
                    .Select(r => ((long)r["version"]!, (long)r["n"]!)),
                Is.EqualTo(Enumerable.Range(1, SqliteQuotaStore.LatestSchemaVersion).Select(v => ((long)v, 1L))));
            Assert.That(Scalar<long>("SELECT COUNT(*) FROM tokenquota_state;"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AVersion2FileGetsThePeriodFirstUsageIndexAndKeepsItsRowsAndItsUniqueKey()
    {
        // A file as version 2 left it: the usage key indexed (user_id, period), plus a period-only index.
        await StartAsync();
        SqliteConnection.ClearAllPools();
        Execute(BackToVersion4);
        Execute("""
            DROP INDEX idx_user_token_usage_period_user;
            DROP INDEX idx_user_token_usage_user;
            CREATE UNIQUE INDEX idx_user_token_usage_user_period ON user_token_usage (user_id, period);
            CREATE INDEX idx_user_token_usage_period ON user_token_usage (period);
            DROP VIEW tokenquota_rate_windows;
            DROP TABLE tokenquota_prompt_windows;
            ALTER TABLE tokenquota_keyed_rate_windows RENAME TO tokenquota_rate_windows;
            DELETE FROM tokenquota_schema_version WHERE version >= 3;
            INSERT INTO user_token_usage (user_id, period, input_tokens_used, output_tokens_used, total_tokens_used, first_usage_at, last_usage_at)
            VALUES ('alice', '2025-11', 10, 1, 11, 0, 0), ('alice', '2025-12', 20, 2, 22, 0, 0), ('bob', '2025-12', 30, 3, 33, 0, 0);
            """);

        var checker = BuildServices().GetRequiredService<ITokenQuotaChecker>();
        await checker.RecordAsync("alice", 5, 5);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(SqliteQuotaStore.LatestSchemaVersion));
            Assert.That(
                Rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'user_token_usage' AND sql IS NOT NULL ORDER BY name;").Select(r => (string)r["name"]!),
                Is.EqualTo(new[] { "idx_user_token_usage_period_user", "idx_user_token_usage_user" }));
            Assert.That(
                Rows("SELECT user_id, period, input_tokens_used FROM user_token_usage ORDER BY user_id, period;").Select(r => $"{r["user_id"]} {r["period"]} {r["input_tokens_used"]}"),
                Is.EqualTo(new[] { "alice 2025-11 10", "alice 2025-12 25", "bob 2025-12 30" }),
                "the rows are kept, and a record adds to the user's existing row of the period");
            Assert.That(
                () => Execute("INSERT INTO user_token_usage (user_id, period, first_usage_at, last_usage_at) VALUES ('bob', '2025-12', 0, 0);"),
                Throws.InstanceOf<SqliteException>().With.Message.Contains("UNIQUE"),
                "still one row per user and period");
            Assert.That(
                string.Join(" | ", Rows("EXPLAIN QUERY PLAN SELECT input_tokens_used FROM user_token_usage WHERE user_id = 'bob' AND period = '2025-12';").Select(r => r["detail"])),
                Does.Contain("idx_user_token_usage_period_user"),
                "a user's row of a period is found through the period-first index");
        });
    }

    [Test]
    public async Task AVersion3FileKeepsItsPromptCountsWhenThePromptWindowsMoveToOneRowPerUser()
    {
        await StartAsync();
        SqliteConnection.ClearAllPools();
        Execute(BackToVersion4);
        Execute(PromptWindowsVersion3.Setup(Clock.GetUtcNow()));

        await PromptWindowsVersion3.AcquireAndAssertAsync(
            BuildServices().GetRequiredService<IRateLimitPolicy>(),
            Rows,
            () => Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"),
            SqliteQuotaStore.LatestSchemaVersion);
    }

    [Test]
    public async Task AVersion4FileKeepsItsLiveHoldsWhenReservationsGetARunningTotal()
    {
        // A file as version 4 left it: Alice holds two live reservations this month (100 + 50 input, 10 + 5 output),
        // one expired hold (which must not count) and one committed reservation; Bob holds one from last month.
        await StartAsync();
        SqliteConnection.ClearAllPools();
        var now = Clock.GetUtcNow();
        var period = QuotaPeriod.FromInstant(now).Key;
        var nowMs = now.ToUnixTimeMilliseconds();
        Execute(BackToVersion4);
        Execute($"""
            UPDATE consumption_profiles SET input_tokens_per_month = 1000, output_tokens_per_month = 1000 WHERE name = 'Free';
            UPDATE tokenquota_state SET value = value + 1 WHERE key = 'config_version';
            INSERT INTO tokenquota_reservations (request_id, user_id, period, input_tokens, output_tokens, state, created_at, expires_at, committed_at) VALUES
                ('a1', 'alice', '{period}', 100, 10, 'held', {nowMs}, {nowMs + 60_000}, NULL),
                ('a2', 'alice', '{period}', 50, 5, 'held', {nowMs}, {nowMs + 60_000}, NULL),
                ('a3', 'alice', '{period}', 700, 70, 'held', {nowMs - 120_000}, {nowMs - 60_000}, NULL),
                ('a4', 'alice', '{period}', 30, 3, 'committed', {nowMs}, {nowMs}, {nowMs}),
                ('b1', 'bob', '2000-01', 40, 4, 'held', {nowMs}, {nowMs + 60_000}, NULL);
            """);

        var checker = BuildServices().GetRequiredService<ITokenQuotaChecker>();
        var check = await checker.CheckAsync("alice", 850, 0);
        var tooMuch = await checker.CheckAsync("alice", 851, 0);

        Assert.Multiple(() =>
        {
            Assert.That(Scalar<long>("SELECT MAX(version) FROM tokenquota_schema_version;"), Is.EqualTo(SqliteQuotaStore.LatestSchemaVersion));
            Assert.That(
                Rows("SELECT user_id, period, input_tokens, output_tokens FROM tokenquota_reserved_totals ORDER BY user_id;").Select(r => $"{r["user_id"]} {r["period"]} {r["input_tokens"]} {r["output_tokens"]}"),
                Is.EqualTo(new[] { $"alice {period} 850 85", "bob 2000-01 40 4" }),
                "every held row is in its user's total, the expired one too until it is purged");
            Assert.That(check.IsAllowed, Is.True, "850 more fit: the live holds are 150, the expired hold does not count");
            Assert.That((check.Input.Used, check.Input.Reserved, check.Output.Reserved), Is.EqualTo((0L, 150L, 15L)));
            Assert.That(tooMuch.IsAllowed, Is.False, "one token more does not fit");
            Assert.That(
                Rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokenquota_reservations' AND sql IS NOT NULL ORDER BY name;").Select(r => (string)r["name"]!),
                Is.EqualTo(new[] { "idx_tokenquota_reservations_committed", "idx_tokenquota_reservations_held" }));
        });
    }
}
