using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;

namespace TokenQuota.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TokenQuota.Benchmarks -- --quick</c>: every figure of issue 5 as a ratio to a
/// raw-SQLite baseline measured in the same run on the same file, the allocation per call, and the scale check; the last
/// line says whether every target was met.
/// </summary>
internal static class QuickHarness
{
    private const int Users = 1_000;
    private const int ScaleUsers = 100_000;
    private const int Months = 12;

    /// <summary>
    /// Interleaved passes of the PostgreSQL figures: ten rounds of 0.2 s instead of three of 0.4 s, because a round trip
    /// to a server on the same two cores (60–120 µs) moves with the server's scheduling far more than an in-process
    /// SQLite call does, and each figure keeps its best round: more, shorter rounds give each figure more chances to
    /// run undisturbed, in the same total time.
    /// </summary>
    private const int PostgreSqlPasses = 10;

    private static readonly TimeSpan PostgreSqlRound = TimeSpan.FromMilliseconds(200);

    private static readonly List<string> Missed = [];

    public static async Task<int> RunAsync(bool postgresOnly = false)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite {SqliteVersion()}"));
        if (postgresOnly)
        {
            await RunPostgreSqlAsync();
            Console.WriteLine(Missed.Count == 0 ? "perf: all targets met" : $"perf: {Missed.Count} targets missed: {string.Join(", ", Missed)}");
            return Missed.Count == 0 ? 0 : 1;
        }

        double rawUpsert, rawSelect, rawBatched, limiter, check, record, acquire, record64, cycle64, reserve64, rcycle64, allocCheck, allocRecord, allocAcquire, checkScale, recordScale;
        double historyFresh, history100k, holdsNone, holds1000, recordExtra, reserveCommitExtra, reserveCommitStandard, recordCost, reserveCommitCost;
        var seed = Stopwatch.StartNew();
        await using var db = await BenchDatabase.CreateAsync(Users, Months);
        await using var big = await BenchDatabase.CreateAsync(ScaleUsers, Months);
        await using var extraDb = await BenchDatabase.CreateAsync(1_000, 1);
        var extra = await ExtraLimitFigures.CreateAsync(extraDb.Provider);
        var cost = await ExtraLimitFigures.CreateCostAsync(extraDb.Provider);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info seeded {Users:N0} and {ScaleUsers:N0} users x {Months} months in {seed.Elapsed.TotalSeconds:F1} s"));
        var users = BenchFigures.UserIds(Users);
        var ops = new BenchFigures(db.Checker, db.Rates, users);
        var bigOps = new BenchFigures(big.Checker, null, BenchFigures.UserIds(ScaleUsers));

        // Profile cached: every user's assignment is resolved once before timing, at both scales.
        await ops.WarmProfilesAsync();
        await bigOps.WarmProfilesAsync();
        var history = new HistoryFigures(db.Checker);
        using (var connection = db.OpenRaw())
        {
            HistoryFigures.SeedHistory(connection, string.Empty);
        }

        await history.SeedHoldsAsync();

        using (var raw = new RawBaselines(db))
        using (var fixedWindow = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromHours(1), QueueLimit = 0, AutoReplenishment = false }))
        {
            var checker = db.Checker;
            var rates = db.Rates;
            var next = 0;
            var figures = await Measure.InterleavedAsync(
                [
                    ("raw_upsert", Measure.SyncRound(i => raw.Upsert(users[i % Users]))),
                    ("record", ops.Record()),
                    ("acquire", ops.Acquire()),
                    ("record_100k", bigOps.Record()),
                    ("raw_select", Measure.SyncRound(i => raw.Select(users[i % Users]))),
                    ("check", ops.Check()),
                    ("check_100k", bigOps.Check()),
                    ("limiter", Measure.SyncRound(_ => fixedWindow.AttemptAcquire().Dispose())),
                    ("raw_batched", Measure.SyncRound(_ => raw.UpsertBatch(users, ref next), RawBaselines.BatchSize)),
                    ("record64", ops.Record64()),
                    ("cycle64", ops.Cycle64()),
                    ("reserve64", ops.Reserve64()),
                    ("rcycle64", ops.ReserveCycle64()),
                    ("history_fresh", history.ReserveCommit(HistoryFigures.FreshUser)),
                    ("history_100k", history.ReserveCommit(HistoryFigures.HistoryUser)),
                    ("holds_none", history.Check(HistoryFigures.NoHoldsUser)),
                    ("holds_1000", history.Check(HistoryFigures.HoldsUser)),
                    ("reserve_commit", ops.ReserveCommit()),
                    ("record_extra3", extra.Record()),
                    ("reserve_commit_extra3", extra.ReserveCommit()),
                    ("record_cost", cost.Record()),
                    ("reserve_commit_cost", cost.ReserveCommit()),
                ],
                passes: 3);
            (rawUpsert, record, acquire, rawSelect, check, limiter, rawBatched, record64, cycle64, reserve64, rcycle64, checkScale, recordScale) =
                (figures["raw_upsert"], figures["record"], figures["acquire"], figures["raw_select"], figures["check"], figures["limiter"],
                 figures["raw_batched"], figures["record64"], figures["cycle64"], figures["reserve64"], figures["rcycle64"], figures["check_100k"], figures["record_100k"]);
            (historyFresh, history100k, holdsNone, holds1000) = (figures["history_fresh"], figures["history_100k"], figures["holds_none"], figures["holds_1000"]);
            (recordExtra, reserveCommitExtra, reserveCommitStandard) = (figures["record_extra3"], figures["reserve_commit_extra3"], figures["reserve_commit"]);
            (recordCost, reserveCommitCost) = (figures["record_cost"], figures["reserve_commit_cost"]);
            allocCheck = await Measure.AllocatedPerCallAsync(5_000, async i => await checker.CheckAsync(users[i % Users], 10, 10));
            allocRecord = await Measure.AllocatedPerCallAsync(5_000, i => checker.RecordAsync(users[i % Users], 1, 1));
            allocAcquire = await Measure.AllocatedPerCallAsync(5_000, async i => await rates.AcquirePromptAsync(users[i % Users]));
        }

        Rate("raw_upsert", rawUpsert);
        Rate("raw_select", rawSelect);
        Rate("raw_batched", rawBatched);
        Rate("fixed_window_limiter (in memory, reference)", limiter);
        Rate("check", check);
        Rate("record", record);
        Rate("acquire", acquire);
        Rate("record64", record64);
        Rate("cycle64 (acquire + check + record)", cycle64);
        Rate("cycle64_reserve (reserve + commit, information)", reserve64);
        Rate("rcycle64 (acquire + reserve + commit)", rcycle64);
        Ratio("record/raw_upsert", record / rawUpsert, 0.8);
        Ratio("check/raw_select", check / rawSelect, 0.5);
        Ratio("acquire/raw_upsert", acquire / rawUpsert, 0.7);
        Ratio("record64/raw_batched", record64 / rawBatched, 0.5);
        Ratio("cycle64/raw_batched", cycle64 / rawBatched, 0.2);
        Ratio("rcycle64/cycle64", rcycle64 / cycle64, 0.6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info acquire/fixed_window_limiter = {acquire / limiter:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info cycle64_reserve/raw_batched = {reserve64 / rawBatched:F2}"));
        Alloc("check", allocCheck, 1024);
        Alloc("record", allocRecord, 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info alloc acquire = {allocAcquire:F0} B/call"));

        Rate("check at 100k users", checkScale);
        Rate("record at 100k users", recordScale);
        Ratio("scale_check", checkScale / check, 1 / 1.5);
        Ratio("scale_record", recordScale / record, 1 / 1.5);
        HistoryRatios(string.Empty, historyFresh, history100k, holdsNone, holds1000);
        Rate("reserve+commit (standard limits only)", reserveCommitStandard);
        Rate("record, 3 extra limits", recordExtra);
        Rate("reserve+commit, 3 extra limits", reserveCommitExtra);
        Ratio("extra3_record/record", recordExtra / record, 0.6);
        Ratio("extra3_reserve_commit/reserve_commit", reserveCommitExtra / reserveCommitStandard, 0.6);
        Rate("record with a model and a cost limit", recordCost);
        Rate("reserve+commit with a model and a cost limit", reserveCommitCost);
        Ratio("cost_record/record", recordCost / record, 0.6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info cost_reserve_commit/reserve_commit = {reserveCommitCost / reserveCommitStandard:F2}"));

        var sqliteHot = await new HotKeyFigures(db.Checker, db.Rates).RunAllAsync("sqlite");
        Target("hotkey_sqlite_64_rate", sqliteHot[64].PerSecond >= 30_000, "64 callers on one user >= 30,000 cycles/s");
        Target("hotkey_sqlite_64_p99", sqliteHot[64].P99 <= 10, "64 callers on one user p99 <= 10 ms");

        // Close the SQLite stores first: their background checkpoints must not run during the PostgreSQL figures.
        await big.DisposeAsync();
        await extraDb.DisposeAsync();
        await db.DisposeAsync();
        await RunPostgreSqlAsync();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"info harness time = {total.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(Missed.Count == 0 ? "perf: all targets met" : $"perf: {Missed.Count} targets missed: {string.Join(", ", Missed)}");
        return Missed.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The PostgreSQL figures of issue 6, against raw Npgsql prepared statements measured in the same run on the same
    /// server and table: skipped, with a note, when <c>TOKENQUOTA_POSTGRES_CONNECTION</c> is unset.
    /// </summary>
    private static async Task RunPostgreSqlAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_CONNECTION");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Console.WriteLine("info PostgreSQL figures skipped: set TOKENQUOTA_POSTGRES_CONNECTION (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres) to measure them");
            return;
        }

        await using var pg = await PgBenchDatabase.CreateAsync(connectionString, Users, Months);
        await using var raw = await RawPgBaselines.CreateAsync(pg);
        await using (var version = await pg.OpenRawAsync())
        {
            Console.WriteLine($"info PostgreSQL {version.PostgreSqlVersion} ({version.Host}:{version.Port}), Npgsql {typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version}");
        }

        var users = BenchFigures.UserIds(Users);
        var ops = new BenchFigures(pg.Checker, null, users);
        await ops.WarmProfilesAsync();
        var history = new HistoryFigures(pg.Checker);
        await using (var connection = await pg.OpenRawAsync())
        {
            HistoryFigures.SeedHistory(connection, pg.Schema + ".");
        }

        await history.SeedHoldsAsync();
        await using var pgExtraDb = await PgBenchDatabase.CreateAsync(connectionString, 1_000, 1);
        var pgExtra = await ExtraLimitFigures.CreateAsync(pgExtraDb.Provider);
        var pgCost = await ExtraLimitFigures.CreateCostAsync(pgExtraDb.Provider);
        var figures = await Measure.InterleavedAsync(
            [
                ("raw_pg_upsert", Measure.AsyncRound(i => raw.UpsertAsync(users[i % Users]))),
                ("pg_record", ops.Record()),
                ("raw_pg_select", Measure.AsyncRound(i => raw.SelectAsync(users[i % Users]))),
                ("pg_check", ops.Check()),
                ("pg_record64", ops.Record64()),
                ("pg_history_fresh", history.ReserveCommit(HistoryFigures.FreshUser)),
                ("pg_history_100k", history.ReserveCommit(HistoryFigures.HistoryUser)),
                ("pg_holds_none", history.Check(HistoryFigures.NoHoldsUser)),
                ("pg_holds_1000", history.Check(HistoryFigures.HoldsUser)),
                ("pg_reserve_commit", ops.ReserveCommit()),
                ("pg_record_extra3", pgExtra.Record()),
                ("pg_reserve_commit_extra3", pgExtra.ReserveCommit()),
                ("pg_record_cost", pgCost.Record()),
            ],
            passes: PostgreSqlPasses,
            round: PostgreSqlRound);
        Rate("raw_pg_upsert", figures["raw_pg_upsert"]);
        Rate("raw_pg_select", figures["raw_pg_select"]);
        Rate("pg_record", figures["pg_record"]);
        Rate("pg_check", figures["pg_check"]);
        Rate("pg_record64", figures["pg_record64"]);
        Ratio("pg_record/raw_pg_upsert", figures["pg_record"] / figures["raw_pg_upsert"], 0.8);
        Ratio("pg_check/raw_pg_select", figures["pg_check"] / figures["raw_pg_select"], 0.5);
        Ratio("pg_record64/raw_pg_upsert", figures["pg_record64"] / figures["raw_pg_upsert"], 3.0);
        HistoryRatios("pg_", figures["pg_history_fresh"], figures["pg_history_100k"], figures["pg_holds_none"], figures["pg_holds_1000"]);
        Rate("pg_record, 3 extra limits", figures["pg_record_extra3"]);
        Rate("pg_reserve+commit (standard limits only)", figures["pg_reserve_commit"]);
        Rate("pg_reserve+commit, 3 extra limits", figures["pg_reserve_commit_extra3"]);
        Rate("pg_record with a model and a cost limit", figures["pg_record_cost"]);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"info pg_extra3_record/pg_record = {figures["pg_record_extra3"] / figures["pg_record"]:F2}, pg_extra3_reserve_commit/pg_reserve_commit = {figures["pg_reserve_commit_extra3"] / figures["pg_reserve_commit"]:F2}, pg_cost_record/pg_record = {figures["pg_record_cost"] / figures["pg_record"]:F2}"));

        var pgHot = await new HotKeyFigures(pg.Checker, pg.Provider.GetRequiredService<IRateLimitPolicy>()).RunAllAsync("postgresql");
        Target("hotkey_pg_20_rate", pgHot[20].PerSecond >= 5_000, "20 callers on one user >= 5,000 cycles/s");
        Target("hotkey_pg_20_p50", pgHot[20].P50 <= 5, "20 callers on one user p50 <= 5 ms");
        Target("hotkey_pg_20_p99", pgHot[20].P99 <= 20, "20 callers on one user p99 <= 20 ms");
        Target("hotkey_pg_no_fall", pgHot[64].PerSecond >= 0.95 * pgHot[20].PerSecond, "64 callers on one user at least 0.95x the rate of 20");
    }

    private static void Target(string name, bool met, string description)
    {
        Console.WriteLine($"target {name}: {(met ? "met" : "missed")} ({description})");
        if (!met)
        {
            Missed.Add(name);
        }
    }

    /// <summary>DESIGN §9's flatness targets: 100,000 earlier reservations within 1.2x, 1,000 live holds within 2x.</summary>
    private static void HistoryRatios(string prefix, double fresh, double withHistory, double noHolds, double withHolds)
    {
        Rate(prefix + "reserve+commit, no history", fresh);
        Rate(prefix + "reserve+commit, 100k earlier reservations", withHistory);
        Rate(prefix + "check, no live holds", noHolds);
        Rate(prefix + "check, 1,000 live holds", withHolds);
        Ratio(prefix + "history_flatness (100k/none)", withHistory / fresh, 1 / 1.2);
        Ratio(prefix + "holds_flatness (1000/none)", withHolds / noHolds, 1 / 2.0);
    }

    private static string SqliteVersion()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection.ServerVersion;
    }

    private static void Rate(string name, double perSecond) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rate {name} = {perSecond:N0}/s"));

    private static void Ratio(string name, double value, double target)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {name} = {value:F2} (target >= {target:F2})"));
        if (value < target)
        {
            Missed.Add(name);
        }
    }

    private static void Alloc(string name, double bytes, double limit)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alloc {name} = {bytes:F0} B/call (target <= {limit:F0})"));
        if (bytes > limit)
        {
            Missed.Add("alloc_" + name);
        }
    }
}
