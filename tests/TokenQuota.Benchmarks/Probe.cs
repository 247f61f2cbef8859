using Microsoft.Extensions.DependencyInjection;

namespace TokenQuota.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TokenQuota.Benchmarks -- --probe NAME [SECONDS]</c>: runs one figure alone
/// for a few seconds, to profile it (e.g. under <c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>). SQLite: record,
/// check, acquire, record64, check64, acquire64, cycle64, cycle64_nocheck, reserve64, record_cost and record_extra3 (a
/// record with a model under a cost limit, or under the three extra limits of the quick harness), and raw_pages
/// (<see cref="RawPageCosts"/>). PostgreSQL (with
/// <c>TOKENQUOTA_POSTGRES_CONNECTION</c>): pg_record, pg_check, pg_record_vs_raw (five alternating rounds of the
/// store's sequential record and the raw upsert), and pg_hotkey (the hot-key table, SECONDS times).
/// </summary>
internal static class Probe
{
    private const int Users = 1_000;
    private const int Months = 12;

    public static async Task<int> RunAsync(string name, double seconds)
    {
        if (name.StartsWith("pg_", StringComparison.Ordinal))
        {
            return await RunPostgreSqlAsync(name, seconds);
        }

        if (name == "raw_pages")
        {
            await RawPageCosts.RunAsync();
            return 0;
        }

        if (name is "record_cost" or "record_extra3")
        {
            await using var extraDb = await BenchDatabase.CreateAsync(Users, 1);
            var extra = name == "record_cost" ? await ExtraLimitFigures.CreateCostAsync(extraDb.Provider) : await ExtraLimitFigures.CreateAsync(extraDb.Provider);
            await TimeAsync(name, extra.Record(), seconds);
            return 0;
        }

        await using var db = await BenchDatabase.CreateAsync(Users, Months);
        var ops = new BenchFigures(db.Checker, db.Rates, BenchFigures.UserIds(Users));
        await ops.WarmProfilesAsync();
        Func<TimeSpan, Task<double>> round = name switch
        {
            "record" => ops.Record(),
            "check" => ops.Check(),
            "acquire" => ops.Acquire(),
            "record64" => ops.Record64(),
            "check64" => ops.Check64(),
            "acquire64" => ops.Acquire64(),
            "cycle64" => ops.Cycle64(),
            "cycle64_nocheck" => ops.Cycle64WithoutCheck(),
            "reserve64" => ops.Reserve64(),
            "rcycle64" => ops.ReserveCycle64(),
            _ => throw new ArgumentException($"Unknown probe '{name}': use record, check, acquire, record64, check64, acquire64, cycle64, cycle64_nocheck, reserve64 or rcycle64.", nameof(name)),
        };
        await TimeAsync(name, round, seconds);
        return 0;
    }

    private static async Task<int> RunPostgreSqlAsync(string name, double seconds)
    {
        var connectionString = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("Set TOKENQUOTA_POSTGRES_CONNECTION to probe the PostgreSQL figures.");
        await using var pg = await PgBenchDatabase.CreateAsync(connectionString, Users, Months);
        var users = BenchFigures.UserIds(Users);
        var ops = new BenchFigures(pg.Checker, null, users);
        await ops.WarmProfilesAsync();
        if (name == "pg_record_vs_raw")
        {
            await using var raw = await RawPgBaselines.CreateAsync(pg);
            var ours = ops.Record();
            var theirs = Measure.AsyncRound(i => raw.UpsertAsync(users[i % users.Length]));
            await ours(Measure.Warmup);
            await theirs(Measure.Warmup);
            for (var r = 0; r < 5; r++)
            {
                var a = await ours(TimeSpan.FromSeconds(seconds));
                var b = await theirs(TimeSpan.FromSeconds(seconds));
                Console.WriteLine($"pg_record {a:N0}/s raw_pg_upsert {b:N0}/s ratio {a / b:F2}");
            }

            return 0;
        }

        if (name == "pg_hotkey")
        {
            var hot = new HotKeyFigures(pg.Checker, pg.Provider.GetRequiredService<IRateLimitPolicy>());
            for (var r = 0; r < seconds; r++)
            {
                await hot.RunAllAsync("postgresql");
            }

            return 0;
        }

        Func<TimeSpan, Task<double>> round = name switch
        {
            "pg_record" => ops.Record(),
            "pg_check" => ops.Check(),
            _ => throw new ArgumentException($"Unknown probe '{name}': use pg_record, pg_check, pg_record_vs_raw or pg_hotkey.", nameof(name)),
        };
        await TimeAsync(name, round, seconds);
        return 0;
    }

    /// <summary>Warms the figure, then prints its rate over one round of <paramref name="seconds"/>.</summary>
    private static async Task TimeAsync(string name, Func<TimeSpan, Task<double>> round, double seconds)
    {
        await round(Measure.Warmup);
        Console.WriteLine($"{name} = {await round(TimeSpan.FromSeconds(seconds)):N0}/s");
    }
}
