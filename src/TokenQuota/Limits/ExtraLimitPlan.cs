using System.Globalization;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The extra limits of one profile that apply to one request (its model and the units it asks of each meter), and how
/// they turn the counters a store holds into <see cref="LimitCharge"/>s and the judged counters back into rows to store.
/// </summary>
internal sealed class ExtraLimitPlan
{
    private readonly QuotaLimit[] limits;
    private readonly long[] units;
    private readonly QuotaCalendar calendar;

    private ExtraLimitPlan(QuotaLimit[] limits, long[] units, QuotaCalendar calendar)
    {
        this.limits = limits;
        this.units = units;
        this.calendar = calendar;
        Keys = [.. limits.Select(CounterKey)];
    }

    /// <summary>Gets the counter key of each applicable limit, in the plan's order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Gets the applicable limits, in the plan's order.</summary>
    public IReadOnlyList<QuotaLimit> Limits => limits;

    /// <summary>Gets whether no extra limit applies (the request is judged by the standard limits alone).</summary>
    public bool IsEmpty => limits.Length == 0;

    /// <summary>Plans the extra limits of <paramref name="profile"/> that a request for <paramref name="modelId"/> meets.</summary>
    /// <param name="profile">The user's profile, or <see langword="null"/> for none.</param>
    /// <param name="modelId">The request's model, or <see langword="null"/> when the host did not say (only limits for every model apply).</param>
    /// <param name="unitsOf">The units the request asks of a meter; a limit whose meter the request does not use (0 units) is left out.</param>
    public static ExtraLimitPlan For(ConsumptionProfile? profile, string? modelId, Func<QuotaMeter, long> unitsOf)
    {
        ArgumentNullException.ThrowIfNull(unitsOf);
        if (profile is null || profile.Limits.Count == 0)
        {
            return new ExtraLimitPlan([], [], QuotaCalendar.Default);
        }

        var applicable = profile.Limits.Where(l => l.AppliesTo(modelId) && unitsOf(l.Meter) > 0).ToArray();
        return new ExtraLimitPlan(applicable, [.. applicable.Select(l => unitsOf(l.Meter))], profile.Calendar);
    }

    /// <summary>The key a store keeps a limit's counter under: its text form without the amount.</summary>
    public static string CounterKey(QuotaLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var text = limit.ToString();
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var at = text.IndexOf('@', equals);
        return text[..equals] + (at < 0 ? string.Empty : text[at..]);
    }

    /// <summary>
    /// The charges to judge at <paramref name="now"/>, given the counters the store holds (in any order, missing ones
    /// never used). A stored fixed window that has not ended keeps its bounds and count (a new calendar applies from the
    /// next boundary); one that has ended counts from zero in the calendar's window of <paramref name="now"/>.
    /// </summary>
    public IReadOnlyList<LimitCharge> Charges(IReadOnlyList<StoredLimitCounter> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var nowMs = now.ToUnixTimeMilliseconds();
        var charges = new LimitCharge[limits.Length];
        for (var i = 0; i < limits.Length; i++)
        {
            var limit = limits[i];
            var row = stored.FirstOrDefault(s => s.Key == Keys[i]);
            var found = row.Key is not null;
            if (limit.Window is not { } window)
            {
                charges[i] = new LimitCharge(limit, null, units[i], new LimitCounter(found ? row.Count : 0, 0, null));
                continue;
            }

            switch (limit.Algorithm)
            {
                case LimitAlgorithm.TokenBucket:
                    var tat = found && row.State is { } t ? Int128.Parse(t, CultureInfo.InvariantCulture) : 0;
                    charges[i] = new LimitCharge(limit, null, units[i], new LimitCounter(0, tat, null));
                    break;
                case LimitAlgorithm.SlidingWindow:
                    charges[i] = new LimitCharge(limit, null, units[i], new LimitCounter(0, 0, found ? ReadLog(row.State) : []));
                    break;
                default:
                    var bounds = found && row.WindowEnd > nowMs && row.WindowStart <= nowMs
                        ? new QuotaWindowBounds(window, DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart), DateTimeOffset.FromUnixTimeMilliseconds(row.WindowEnd), string.Empty)
                        : calendar.GetWindow(window, now);
                    var count = found && row.WindowStart == bounds.Start.ToUnixTimeMilliseconds() ? row.Count : 0;
                    charges[i] = new LimitCharge(limit, bounds, units[i], new LimitCounter(count, 0, null));
                    break;
            }
        }

        return charges;
    }

    /// <summary>The rows to store for the counters a judged charge left, in the plan's order.</summary>
    public IReadOnlyList<StoredLimitCounter> Rows(IReadOnlyList<LimitCharge> charges, IReadOnlyList<LimitCounter> counters)
    {
        ArgumentNullException.ThrowIfNull(charges);
        ArgumentNullException.ThrowIfNull(counters);
        var rows = new StoredLimitCounter[charges.Count];
        for (var i = 0; i < charges.Count; i++)
        {
            var counter = counters[i];
            rows[i] = charges[i].Limit.Algorithm switch
            {
                LimitAlgorithm.TokenBucket => new StoredLimitCounter(Keys[i], 0, 0, 0, counter.Tat.ToString(CultureInfo.InvariantCulture)),
                LimitAlgorithm.SlidingWindow => new StoredLimitCounter(Keys[i], 0, 0, 0, WriteLog(counter.Log ?? [])),
                _ => charges[i].Bounds is { } b
                    ? new StoredLimitCounter(Keys[i], b.Start.ToUnixTimeMilliseconds(), b.End.ToUnixTimeMilliseconds(), counter.Count, null)
                    : new StoredLimitCounter(Keys[i], 0, 0, counter.Count, null),
            };
        }

        return rows;
    }

    private static List<SlidingWindowEntry> ReadLog(string? state) =>
        string.IsNullOrEmpty(state)
            ? []
            : [.. state.Split(' ').Select(e => e.Split(':')).Select(p => new SlidingWindowEntry(long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture)))];

    private static string WriteLog(IReadOnlyList<SlidingWindowEntry> log) =>
        string.Join(' ', log.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.AtMs}:{e.Units}")));
}
