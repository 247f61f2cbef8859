namespace TokenQuota;

/// <summary>
/// The one rule of DESIGN §7: a request is admitted iff every limit that applies allows it; then every limit is charged,
/// otherwise none is. A store calls it inside the transaction that read the counters and writes the counters it returns.
/// </summary>
internal static class LimitRule
{
    /// <summary>Judges a request at <paramref name="now"/> against every charge.</summary>
    /// <param name="charges">The limits that apply, each with its window, units and stored counter.</param>
    /// <param name="now">The time of the request.</param>
    public static LimitVerdict Judge(IReadOnlyList<LimitCharge> charges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var nowMs = now.ToUnixTimeMilliseconds();
        var counters = new LimitCounter[charges.Count];
        var figures = new LimitFigures[charges.Count];
        var binding = -1;
        TimeSpan? longestWait = TimeSpan.Zero;
        for (var i = 0; i < charges.Count; i++)
        {
            var (admitted, counter, figure, wait) = JudgeOne(charges[i], nowMs);
            counters[i] = counter;
            figures[i] = figure;
            if (!admitted && (binding < 0 || Longer(wait, longestWait)))
            {
                binding = i;
                longestWait = wait;
            }
        }

        if (binding >= 0)
        {
            for (var i = 0; i < charges.Count; i++)
            {
                counters[i] = charges[i].Counter;
                figures[i] = Figures(charges[i], charges[i].Counter, nowMs);
            }

            return new LimitVerdict(false, binding, counters, figures, longestWait);
        }

        return new LimitVerdict(true, -1, counters, figures, null);
    }

    /// <summary>
    /// Charges every limit whatever its amount: usage that already happened (a record, a commit) is counted even when it
    /// crosses a limit, so the next request is judged against it.
    /// </summary>
    /// <param name="charges">The limits charged, each with its window, units and stored counter.</param>
    /// <param name="now">The time of the usage.</param>
    /// <returns>The counters after the charge, in the order of the charges.</returns>
    public static IReadOnlyList<LimitCounter> Force(IReadOnlyList<LimitCharge> charges, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var nowMs = now.ToUnixTimeMilliseconds();
        var counters = new LimitCounter[charges.Count];
        for (var i = 0; i < charges.Count; i++)
        {
            var (limit, _, units, counter) = charges[i];
            counters[i] = limit.Algorithm switch
            {
                LimitAlgorithm.TokenBucket when limit.Amount is { } amount =>
                    counter with { Tat = Int128.Max(counter.Tat, (Int128)nowMs * amount) + ((Int128)units * NominalMs(limit)) },
                LimitAlgorithm.SlidingWindow => counter with { Log = Logged(counter.Log ?? [], NominalMs(limit), nowMs, units) },
                _ => counter with { Count = counter.Count + units },
            };
        }

        return counters;
    }

    // A wait of null (never) is longer than any other.
    private static bool Longer(TimeSpan? wait, TimeSpan? than) => than is not null && (wait is null || wait > than);

    private static (bool Admitted, LimitCounter Counter, LimitFigures Figures, TimeSpan? Wait) JudgeOne(LimitCharge charge, long nowMs)
    {
        var limit = charge.Limit;
        if (limit.Amount is not { } amount)
        {
            var unlimited = charge.Counter with { Count = charge.Counter.Count + charge.Units };
            return (true, unlimited, new LimitFigures(null, unlimited.Count, null, charge.Bounds?.End), null);
        }

        switch (limit.Algorithm)
        {
            case LimitAlgorithm.TokenBucket:
                var bucket = TokenBucket.Judge(charge.Counter.Tat, amount, NominalMs(limit), nowMs, charge.Units);
                var next = charge.Counter with { Tat = bucket.Tat };
                return (bucket.Admitted, next, Figures(charge, next, nowMs), bucket.RetryAfter);
            case LimitAlgorithm.SlidingWindow:
                var log = charge.Counter.Log ?? [];
                var (admitted, _, wait) = SlidingWindowLog.Judge(log, amount, NominalMs(limit), nowMs, charge.Units);
                var kept = admitted ? Logged(log, NominalMs(limit), nowMs, charge.Units) : log;
                var logged = charge.Counter with { Log = kept };
                return (admitted, logged, Figures(charge, logged, nowMs), wait);
            default:
                var count = charge.Counter.Count + charge.Units;
                if (count <= amount)
                {
                    var charged = charge.Counter with { Count = count };
                    return (true, charged, Figures(charge, charged, nowMs), null);
                }

                // A fixed window starts again from zero at its end; an in-flight slot frees at a time nobody knows.
                TimeSpan? reset = charge.Units <= amount && charge.Bounds is { } window
                    ? window.End - DateTimeOffset.FromUnixTimeMilliseconds(nowMs)
                    : null;
                return (false, charge.Counter, Figures(charge, charge.Counter, nowMs), reset);
        }
    }

    private static LimitFigures Figures(LimitCharge charge, LimitCounter counter, long nowMs)
    {
        var limit = charge.Limit;
        if (limit.Amount is not { } amount)
        {
            return new LimitFigures(null, counter.Count, null, charge.Bounds?.End);
        }

        switch (limit.Algorithm)
        {
            case LimitAlgorithm.TokenBucket:
                var left = TokenBucket.Remaining(counter.Tat, amount, NominalMs(limit), nowMs);
                var fullAtMs = amount == 0 ? nowMs : (long)Int128.Max(counter.Tat / amount, nowMs);
                return new LimitFigures(amount, amount - left, left, DateTimeOffset.FromUnixTimeMilliseconds(fullAtMs));
            case LimitAlgorithm.SlidingWindow:
                var windowMs = NominalMs(limit);
                var live = (counter.Log ?? []).Where(e => e.AtMs + windowMs > nowMs).ToList();
                var used = live.Sum(e => e.Units);
                DateTimeOffset? expiry = live.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(live[0].AtMs + windowMs);
                return new LimitFigures(amount, used, Math.Max(0, amount - used), expiry);
            default:
                return new LimitFigures(amount, counter.Count, Math.Max(0, amount - counter.Count), charge.Bounds?.End);
        }
    }

    /// <summary>A rate's nominal length (a bucket refills, a sliding window spans, one minute, hour or day of 24 hours).</summary>
    private static long NominalMs(QuotaLimit limit) => limit.Window switch
    {
        QuotaWindow.Minute => 60_000,
        QuotaWindow.Hour => 3_600_000,
        _ => 86_400_000,
    };

    private static List<SlidingWindowEntry> Logged(IReadOnlyList<SlidingWindowEntry> log, long windowMs, long nowMs, long units)
    {
        var kept = log.Where(e => e.AtMs + windowMs > nowMs).ToList();
        kept.Add(new SlidingWindowEntry(nowMs, units));
        return kept;
    }
}
