namespace TokenQuota.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TokenQuota.Benchmarks -- --probe NAME [SECONDS]</c>: runs one figure of the
/// quick harness (record, record64, acquire, cycle64) alone for a few seconds, to profile it (e.g. under <c>perf record</c>
/// with <c>DOTNET_PerfMapEnabled=1</c>).
/// </summary>
internal static class Probe
{
    private const int Users = 1_000;
    private const int Callers = 64;

    public static async Task<int> RunAsync(string name, double seconds)
    {
        if (name.StartsWith("pg_", StringComparison.Ordinal))
        {
            return await RunPostgreSqlAsync(name, seconds);
        }

        await using var db = await BenchDatabase.CreateAsync(Users, 12);
        var users = Enumerable.Range(0, Users).Select(i => BenchDatabase.UserId((int)((i * 7919L) % Users))).ToArray();
        var checker = db.Checker;
        var rates = db.Rates;
        foreach (var user in users)
        {
            await checker.CheckAsync(user, 10, 10);
        }

        Func<TimeSpan, Task<double>> round = name switch
        {
            "record" => Measure.AsyncRound(i => checker.RecordAsync(users[i % Users], 1, 1)),
            "record64" => Measure.ConcurrentRound(Callers, (c, i) => checker.RecordAsync(users[((i * Callers) + c) % Users], 1, 1)),
            "acquire" => Measure.AsyncRound(async i => await rates.AcquirePromptAsync(users[i % Users])),
            "cycle64" => Measure.ConcurrentRound(Callers, async (c, i) =>
            {
                var user = users[((i * Callers) + c) % Users];
                await rates.AcquirePromptAsync(user);
                await checker.CheckAsync(user, 10, 10);
                await checker.RecordAsync(user, 10, 10);
            }),
            "reserve64" => Measure.ConcurrentRound(Callers, async (c, i) =>
            {
                var user = users[((i * Callers) + c) % Users];
                var reserved = await checker.ReserveAsync(user, 10, 10);
                await reserved.Reservation!.CommitAsync(10, 10);
            }),
            "cycle64_nocheck" => Measure.ConcurrentRound(Callers, async (c, i) =>
            {
                var user = users[((i * Callers) + c) % Users];
                await rates.AcquirePromptAsync(user);
                await checker.RecordAsync(user, 10, 10);
            }),
            "check64" => Measure.ConcurrentRound(Callers, async (c, i) => await checker.CheckAsync(users[((i * Callers) + c) % Users], 10, 10)),
            "acquire64" => Measure.ConcurrentRound(Callers, async (c, i) => await rates.AcquirePromptAsync(users[((i * Callers) + c) % Users])),
            _ => throw new ArgumentException($"Unknown probe '{name}': use record, record64, acquire or cycle64.", nameof(name)),
        };
        await round(TimeSpan.FromSeconds(0.5));
        Console.WriteLine($"{name} = {await round(TimeSpan.FromSeconds(seconds)):N0}/s");
        return 0;
    }

    /// <summary>pg_check or pg_record on a throwaway schema of the server named by <c>TOKENQUOTA_POSTGRES_CONNECTION</c>.</summary>
    private static async Task<int> RunPostgreSqlAsync(string name, double seconds)
    {
        var connectionString = Environment.GetEnvironmentVariable("TOKENQUOTA_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("Set TOKENQUOTA_POSTGRES_CONNECTION to probe the PostgreSQL figures.");
        await using var pg = await PgBenchDatabase.CreateAsync(connectionString, Users, 12);
        var users = Enumerable.Range(0, Users).Select(i => BenchDatabase.UserId((int)((i * 7919L) % Users))).ToArray();
        var checker = pg.Checker;
        foreach (var user in users)
        {
            await checker.CheckAsync(user, 10, 10);
        }

        if (name == "pg_record_vs_raw")
        {
            await using var raw = await RawPgBaselines.CreateAsync(pg);
            var ours = Measure.AsyncRound(i => checker.RecordAsync(users[i % Users], 1, 1));
            var theirs = Measure.AsyncRound(i => raw.UpsertAsync(users[i % Users]));
            await ours(TimeSpan.FromSeconds(0.5));
            await theirs(TimeSpan.FromSeconds(0.5));
            for (var r = 0; r < 5; r++)
            {
                var a = await ours(TimeSpan.FromSeconds(seconds));
                var b = await theirs(TimeSpan.FromSeconds(seconds));
                Console.WriteLine($"pg_record {a:N0}/s raw_pg_upsert {b:N0}/s ratio {a / b:F2}");
            }

            return 0;
        }

        Func<TimeSpan, Task<double>> round = name switch
        {
            "pg_check" => Measure.AsyncRound(async i => await checker.CheckAsync(users[i % Users], 10, 10)),
            "pg_record" => Measure.AsyncRound(i => checker.RecordAsync(users[i % Users], 1, 1)),
            _ => throw new ArgumentException($"Unknown probe '{name}': use pg_check or pg_record.", nameof(name)),
        };
        await round(TimeSpan.FromSeconds(0.5));
        Console.WriteLine($"{name} = {await round(TimeSpan.FromSeconds(seconds)):N0}/s");
        return 0;
    }
}
