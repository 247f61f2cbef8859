using System.Diagnostics;

namespace TokenQuota.Benchmarks;

/// <summary>Throughput measurement for the quick harness: warm, then the best of a few short rounds.</summary>
internal static class Measure
{
    public static TimeSpan Warmup { get; set; } = TimeSpan.FromMilliseconds(300);

    public static TimeSpan Round { get; set; } = TimeSpan.FromMilliseconds(400);

    public static int Rounds { get; set; } = 3;

    /// <summary>Operations per second of a synchronous operation called in a loop; <paramref name="opsPerCall"/> counts batched calls.</summary>
    public static double Sequential(Action<int> operation, int opsPerCall = 1) =>
        BestOfAsync(SyncRound(operation, opsPerCall)).GetAwaiter().GetResult();

    /// <summary>Operations per second of an asynchronous operation awaited in a loop by one caller.</summary>
    public static Task<double> SequentialAsync(Func<int, ValueTask> operation) => BestOfAsync(AsyncRound(operation));

    /// <summary>Operations per second of <paramref name="callers"/> callers, each started with Task.Run, awaiting the operation in a loop.</summary>
    public static Task<double> ConcurrentAsync(int callers, Func<int, int, ValueTask> operation) => BestOfAsync(ConcurrentRound(callers, operation));

    /// <summary>Runs one warm-up round, then <see cref="Rounds"/> timed rounds, and returns the best rate.</summary>
    private static async Task<double> BestOfAsync(Func<TimeSpan, Task<double>> round)
    {
        await round(Warmup).ConfigureAwait(false);
        var best = 0.0;
        for (var r = 0; r < Rounds; r++)
        {
            best = Math.Max(best, await round(Round).ConfigureAwait(false));
        }

        return best;
    }

    /// <summary>
    /// Measures several figures in interleaved passes (each pass takes one round of every figure) and keeps each
    /// figure's best round, so a burst of load from other processes cannot bias one figure against its baseline.
    /// </summary>
    /// <param name="figures">Each figure's name and round.</param>
    /// <param name="passes">How many rounds each figure gets (it keeps the best).</param>
    /// <param name="round">The length of one round; <see cref="Round"/> when <see langword="null"/>.</param>
    public static async Task<Dictionary<string, double>> InterleavedAsync(IReadOnlyList<(string Name, Func<TimeSpan, Task<double>> Round)> figures, int passes, TimeSpan? round = null)
    {
        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, figure) in figures)
        {
            await figure(Warmup).ConfigureAwait(false);
            best[name] = 0;
        }

        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (name, figure) in figures)
            {
                best[name] = Math.Max(best[name], await figure(round ?? Round).ConfigureAwait(false));
            }
        }

        return best;
    }

    /// <summary>One timed round of a synchronous operation.</summary>
    public static Func<TimeSpan, Task<double>> SyncRound(Action<int> operation, int opsPerCall = 1)
    {
        var i = 0;
        return duration =>
        {
            var watch = Stopwatch.StartNew();
            long calls = 0;
            while (watch.Elapsed < duration)
            {
                for (var k = 0; k < 16; k++)
                {
                    operation(i++);
                }

                calls += 16;
            }

            return Task.FromResult(calls * opsPerCall / watch.Elapsed.TotalSeconds);
        };
    }

    /// <summary>One timed round of an awaited operation called in a loop by one caller.</summary>
    public static Func<TimeSpan, Task<double>> AsyncRound(Func<int, ValueTask> operation)
    {
        var i = 0;
        return async duration =>
        {
            var watch = Stopwatch.StartNew();
            long calls = 0;
            while (watch.Elapsed < duration)
            {
                for (var k = 0; k < 16; k++)
                {
                    await operation(i++).ConfigureAwait(false);
                }

                calls += 16;
            }

            return calls / watch.Elapsed.TotalSeconds;
        };
    }

    /// <summary>One timed round of <paramref name="callers"/> callers, each started with Task.Run.</summary>
    public static Func<TimeSpan, Task<double>> ConcurrentRound(int callers, Func<int, int, ValueTask> operation) =>
        async duration =>
        {
            var stop = 0;
            long total = 0;
            var watch = Stopwatch.StartNew();
            var tasks = new Task[callers];
            for (var c = 0; c < callers; c++)
            {
                var caller = c;
                tasks[c] = Task.Run(async () =>
                {
                    long count = 0;
                    var i = 0;
                    while (Volatile.Read(ref stop) == 0)
                    {
                        await operation(caller, i++).ConfigureAwait(false);
                        count++;
                    }

                    Interlocked.Add(ref total, count);
                });
            }

            await Task.Delay(duration).ConfigureAwait(false);
            Volatile.Write(ref stop, 1);
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return total / watch.Elapsed.TotalSeconds;
        };

    /// <summary>Bytes allocated per awaited call, over <paramref name="calls"/> sequential calls (all threads counted).</summary>
    public static async Task<double> AllocatedPerCallAsync(int calls, Func<int, ValueTask> operation)
    {
        for (var i = 0; i < 2_000; i++)
        {
            await operation(i).ConfigureAwait(false);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            await operation(i).ConfigureAwait(false);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    }
}
