using System.Diagnostics;
using System.Globalization;

namespace TokenQuota.Benchmarks;

/// <summary>
/// The hot-key figures of DESIGN §9 (issue 19): 1, 20 and 64 callers all charging one user with the middleware's cycle
/// (acquire → reserve 100/50 → commit 90/40) for one second each, after a warm-up (<see cref="Measure.Warmup"/>) with
/// the same callers; cycles per second and the p50/p99 cycle latency.
/// </summary>
internal sealed class HotKeyFigures(ITokenQuotaChecker checker, IRateLimitPolicy rates)
{
    public const string HotUser = "hot-key";

    public static readonly int[] CallerCounts = [1, 20, 64];

    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);

    /// <summary>Runs one caller count, warmed first with the same callers: its rate and latency percentiles in milliseconds.</summary>
    public async Task<(double PerSecond, double P50, double P99)> RunAsync(int callers)
    {
        await RunForAsync(callers, Measure.Warmup);
        return await RunForAsync(callers, Duration);
    }

    private async Task<(double PerSecond, double P50, double P99)> RunForAsync(int callers, TimeSpan duration)
    {
        var stop = 0;
        var latencies = new List<long>[callers];
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<long>(4096);
            while (Volatile.Read(ref stop) == 0)
            {
                var start = Stopwatch.GetTimestamp();
                await CycleAsync().ConfigureAwait(false);
                mine.Add(Stopwatch.GetTimestamp() - start);
            }
        })).ToArray();
        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    /// <summary>Prints the table of every caller count, prefixed with the store's name.</summary>
    public async Task<IReadOnlyDictionary<int, (double PerSecond, double P50, double P99)>> RunAllAsync(string store)
    {
        var results = new Dictionary<int, (double, double, double)>();
        foreach (var callers in CallerCounts)
        {
            var (perSecond, p50, p99) = await RunAsync(callers);
            results[callers] = (perSecond, p50, p99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hotkey {store} callers={callers} cycles={perSecond:N0}/s p50={p50:F2} ms p99={p99:F2} ms"));
        }

        return results;
    }

    private async ValueTask CycleAsync()
    {
        await rates.AcquirePromptAsync(HotUser).ConfigureAwait(false);
        var reserved = await checker.ReserveAsync(HotUser, 100, 50).ConfigureAwait(false);
        await reserved.Reservation!.CommitAsync(90, 40).ConfigureAwait(false);
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))] * 1000.0 / Stopwatch.Frequency;
}
