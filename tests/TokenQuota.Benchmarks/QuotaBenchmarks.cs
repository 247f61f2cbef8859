using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The BenchmarkDotNet suite: TokenQuota's hot paths next to the raw-SQLite baselines on the same file and the in-memory
/// <see cref="FixedWindowRateLimiter"/>. Run with <c>dotnet run -c Release --project tests/TokenQuota.Benchmarks -- --filter '*'</c>.
/// </summary>
[MemoryDiagnoser]
public class QuotaBenchmarks
{
    private const int Users = 1_000;
    private BenchDatabase db = null!;
    private RawBaselines raw = null!;
    private FixedWindowRateLimiter limiter = null!;
    private string[] users = null!;
    private int next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        db = await BenchDatabase.CreateAsync(Users, 12);
        raw = new RawBaselines(db);
        limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromHours(1), QueueLimit = 0, AutoReplenishment = false });
        users = Enumerable.Range(0, Users).Select(i => BenchDatabase.UserId((i * 7919) % Users)).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        raw.Dispose();
        limiter.Dispose();
        await db.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public void RawUpsert() => raw.Upsert(NextUser());

    [Benchmark]
    public long RawSelect() => raw.Select(NextUser());

    [Benchmark(OperationsPerInvoke = RawBaselines.BatchSize)]
    public void RawBatchedUpsert() => raw.UpsertBatch(users, ref next);

    [Benchmark]
    public void FixedWindowRateLimiter() => limiter.AttemptAcquire().Dispose();

    [Benchmark]
    public ValueTask<QuotaCheckResult> CheckAsync() => db.Checker.CheckAsync(NextUser(), 10, 10);

    [Benchmark]
    public ValueTask RecordAsync() => db.Checker.RecordAsync(NextUser(), 1, 1);

    [Benchmark]
    public ValueTask<RateLimitDecision> AcquirePromptAsync() => db.Rates.AcquirePromptAsync(NextUser());

    private string NextUser() => users[next++ % Users];
}
