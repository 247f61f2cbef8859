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
    private readonly Entry[] entries;
    private readonly string[] holdKeys;
    private readonly string currency;
    private readonly QuotaLimit? unpricedBy;
    private readonly string? modelId;
    private readonly CallUsage? call;
    private readonly ModelPrice? price;

    private ExtraLimitPlan(Entry[] entries, long[] units, string currency = "USD", QuotaLimit? unpricedBy = null, string? modelId = null, CallUsage? call = null, ModelPrice? price = null)
    {
        this.call = call;
        this.price = price;
        this.entries = entries;
        limits = [.. entries.Select(e => e.Limit)];
        this.units = units;
        this.currency = currency;
        this.unpricedBy = unpricedBy;
        this.modelId = modelId;
        holdKeys = [.. entries.Select(e => e.Level is null ? e.Limit.Name : e.Level.Subject + "|" + e.Limit.Name)];
        Keys = [.. entries.Where(e => e.Level is null).Select(e => e.Limit.Name)];
        SharedKeys = [.. entries.Where(e => e.Level is not null).Select(e => new SharedCounterKey(e.Level!.Subject, e.Limit.Name))];
    }

    /// <summary>Gets the counter keys of the user's own applicable limits (the shared ones are <see cref="SharedKeys"/>).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Gets the counters of the user's team and organisation that the plan reads and writes.</summary>
    public IReadOnlyList<SharedCounterKey> SharedKeys { get; }

    /// <summary>Gets the applicable limits, in the plan's order.</summary>
    public IReadOnlyList<QuotaLimit> Limits => limits;

    /// <summary>Gets whether no extra limit applies (the request is judged by the standard limits alone).</summary>
    public bool IsEmpty => entries.Length == 0;

    /// <summary>Gets the text of what a reservation holds against the user's own limits.</summary>
    public string UserHolds => LimitHolds.Format(
        [.. entries.Select((e, i) => (e, i)).Where(x => x.e.Level is null).Select(x => holdKeys[x.i])],
        [.. entries.Select((e, i) => (e, i)).Where(x => x.e.Level is null).Select(x => units[x.i])]);

    /// <summary>Gets what a reservation holds against each shared level's limits, one text per level (keys qualified by the level).</summary>
    public IReadOnlyList<SharedHold> SharedHolds =>
    [
        .. entries.Select((e, i) => (e, i)).Where(x => x.e.Level is not null).GroupBy(x => x.e.Level!.Subject, StringComparer.Ordinal)
            .Select(g => new SharedHold(g.Key, LimitHolds.Format([.. g.Select(x => holdKeys[x.i])], [.. g.Select(x => units[x.i])]))),
    ];

    // Where a planned limit comes from: the user's profile (no level) or a shared level, and the calendar of its windows.
    private sealed record Entry(QuotaLimit Limit, QuotaCalendar Calendar, SharedLevel? Level);

    // Every limit a request may meet: the user's extra limits, then each shared level's.
    private static IEnumerable<Entry> Candidates(ConsumptionProfile? profile, IReadOnlyList<SharedLevel>? shared)
    {
        if (profile is { Limits.Count: > 0 })
        {
            var calendar = profile.Calendar;
            foreach (var limit in profile.Limits)
            {
                yield return new Entry(limit, calendar, null);
            }
        }

        foreach (var level in shared ?? [])
        {
            foreach (var limit in level.Limits)
            {
                yield return new Entry(limit, level.Calendar, level);
            }
        }
    }

    private static bool HasNone(ConsumptionProfile? profile, IReadOnlyList<SharedLevel>? shared) =>
        (profile is null || profile.Limits.Count == 0) && (shared is null || shared.Count == 0);

    /// <summary>Plans the extra limits of <paramref name="profile"/> (and of the shared levels) that a request for <paramref name="modelId"/> meets.</summary>
    /// <param name="profile">The user's profile, or <see langword="null"/> for none.</param>
    /// <param name="modelId">The request's model, or <see langword="null"/> when the host did not say (only limits for every model apply).</param>
    /// <param name="unitsOf">The units the request asks of a meter; a limit whose meter the request does not use (0 units) is left out.</param>
    /// <param name="shared">The user's team and organisation levels, or <see langword="null"/> for none.</param>
    public static ExtraLimitPlan For(ConsumptionProfile? profile, string? modelId, Func<QuotaMeter, long> unitsOf, IReadOnlyList<SharedLevel>? shared = null)
    {
        ArgumentNullException.ThrowIfNull(unitsOf);
        if (HasNone(profile, shared))
        {
            return new ExtraLimitPlan([], []);
        }

        var applicable = Candidates(profile, shared).Where(e => e.Limit.AppliesTo(modelId) && unitsOf(e.Limit.Meter) > 0).ToArray();
        return new ExtraLimitPlan(applicable, [.. applicable.Select(e => unitsOf(e.Limit.Meter))]);
    }

    /// <summary>
    /// Plans the extra limits an LLM call meets: its input, its output and their sum for its model, its cost priced by
    /// <paramref name="prices"/> at <paramref name="at"/> and, when <paramref name="holdsASlot"/> (a reservation while it
    /// lives), one unit of <see cref="QuotaMeter.InFlight"/>. A cost limit that meets a model without a price (under
    /// <see cref="UnpricedModelPolicy.Refuse"/>) makes <see cref="Judge"/> refuse and <see cref="Recorded"/> charge it nothing.
    /// </summary>
    public static ExtraLimitPlan ForCall(ConsumptionProfile? profile, string? modelId, long inputTokens, long outputTokens, bool holdsASlot, PriceCatalogue prices, DateTimeOffset at, IReadOnlyList<SharedLevel>? shared = null) =>
        ForCall(profile, new CallUsage { ModelId = modelId, InputTokens = inputTokens, OutputTokens = outputTokens }, holdsASlot, prices, at, shared);

    /// <summary>Plans the extra limits a call that used <paramref name="usage"/> meets, as the other overload does.</summary>
    public static ExtraLimitPlan ForCall(ConsumptionProfile? profile, CallUsage usage, bool holdsASlot, PriceCatalogue prices, DateTimeOffset at, IReadOnlyList<SharedLevel>? shared = null)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(prices);
        var (modelId, inputTokens, outputTokens) = (usage.ModelId, usage.InputTokens, usage.OutputTokens);
        if (HasNone(profile, shared))
        {
            return new ExtraLimitPlan([], [], prices.Currency);
        }

        long? cost = 0;
        var costKnown = false;
        var applicable = new List<Entry>();
        var asked = new List<long>();
        QuotaLimit? unpricedBy = null;
        foreach (var entry in Candidates(profile, shared))
        {
            var limit = entry.Limit;
            if (!limit.AppliesTo(modelId))
            {
                continue;
            }

            if (limit.Meter == QuotaMeter.Cost && !costKnown)
            {
                cost = inputTokens == 0 && outputTokens == 0 ? 0 : prices.CostOf(usage, at);
                costKnown = true;
            }

            var units = limit.Meter switch
            {
                QuotaMeter.InputTokens => inputTokens,
                QuotaMeter.OutputTokens => outputTokens,
                QuotaMeter.TotalTokens => inputTokens + outputTokens,
                QuotaMeter.InFlight => holdsASlot ? 1 : 0,
                QuotaMeter.Cost => cost ?? 0,
                _ => 0,
            };
            if (limit.Meter == QuotaMeter.Cost && cost is null)
            {
                unpricedBy ??= limit;
            }
            else if (units == 0)
            {
                continue;
            }

            applicable.Add(entry);
            asked.Add(units);
        }

        return new ExtraLimitPlan([.. applicable], [.. asked], prices.Currency, unpricedBy, modelId, usage, costKnown ? prices.PriceFor(modelId, at) : null);
    }

    /// <summary>Plans every extra limit of <paramref name="profile"/> and of the shared levels, whatever its model, asking nothing of any (for status).</summary>
    public static ExtraLimitPlan All(ConsumptionProfile? profile, string currency, IReadOnlyList<SharedLevel>? shared = null)
    {
        var all = Candidates(profile, shared).ToArray();
        return new ExtraLimitPlan(all, new long[all.Length], currency);
    }

    /// <summary>Plans the extra limits one prompt (or, when <paramref name="isPrompt"/> is false, one configuration change) meets.</summary>
    public static ExtraLimitPlan ForAttempt(ConsumptionProfile? profile, string? modelId, bool isPrompt, IReadOnlyList<SharedLevel>? shared = null) =>
        For(profile, modelId, meter => meter == (isPrompt ? QuotaMeter.Prompts : QuotaMeter.ConfigChanges) ? 1 : 0, shared);

    /// <summary>
    /// The rows to store for usage that happened: each counter takes the units as an unlimited limit would (usage is
    /// counted even past a limit); <see langword="null"/> when a count would overflow 64 bits (nothing may be written).
    /// </summary>
    public IReadOnlyList<StoredLimitCounter>? Recorded(IReadOnlyList<StoredLimitCounter> stored, DateTimeOffset now)
    {
        var charges = Charges(stored, now);
        if (charges.Any(c => c.Limit.Algorithm == LimitAlgorithm.FixedWindow && c.Counter.Count > long.MaxValue - c.Units))
        {
            return null;
        }

        return Rows(charges, LimitRule.Force(charges, now));
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
            var (limit, calendar, level) = entries[i];
            var subject = level?.Subject;
            var row = stored.FirstOrDefault(s => s.Key == limit.Name && string.Equals(s.Subject, subject, StringComparison.Ordinal));
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

    /// <summary>Gets the units the request asks of each applicable limit, in the plan's order.</summary>
    public IReadOnlyList<long> Units => units;

    /// <summary>
    /// Judges the request against every applicable limit at once (the rule of DESIGN §7): admitted iff each limit has room
    /// for what <paramref name="held"/> (live reservations, per counter key) holds plus what the request asks.
    /// </summary>
    /// <param name="stored">The counters the store holds (in any order).</param>
    /// <param name="held">The units live reservations hold per counter key, or <see langword="null"/> for none.</param>
    /// <param name="now">The time of the request.</param>
    /// <param name="rows">When admitted, the counters to store with the request charged; empty when refused.</param>
    /// <returns><see langword="null"/> when admitted; otherwise the binding limit and its message.</returns>
    public ExtraLimitRefusal? Judge(IReadOnlyList<StoredLimitCounter> stored, IReadOnlyDictionary<string, long>? held, DateTimeOffset now, out IReadOnlyList<StoredLimitCounter> rows)
    {
        if (unpricedBy is not null)
        {
            rows = [];
            return new ExtraLimitRefusal(unpricedBy, ExtraLimitMessages.Unpriced(unpricedBy, modelId), null, null);
        }

        var charges = Charges(stored, now);
        var judged = held is null
            ? charges
            : [.. charges.Select((c, i) => c with { Units = checked(c.Units + held.GetValueOrDefault(holdKeys[i])) })];
        var verdict = LimitRule.Judge(judged, now);
        if (verdict.Admitted)
        {
            rows = Rows(judged, verdict.Counters);
            return null;
        }

        rows = [];
        var binding = verdict.Binding;
        var holding = held?.GetValueOrDefault(holdKeys[binding]) ?? 0;
        var figures = verdict.Figures[binding];
        figures = figures with { Used = figures.Used + holding, Remaining = figures.Remaining is { } left ? Math.Max(0, left - holding) : null };
        // Held estimates leave when their calls end, so a request that fits the amount alone may be admitted when the
        // window resets even though it did not fit beside the holds.
        var retryAfter = verdict.RetryAfter is null && holding > 0 && units[binding] <= (limits[binding].Amount ?? long.MaxValue) && limits[binding].Window is not null && figures.ResetsAt is { } reset
            ? reset - now
            : verdict.RetryAfter;
        var level = entries[binding].Level;
        var message = ExtraLimitMessages.Refused(limits[binding], figures, units[binding], currency);
        return new ExtraLimitRefusal(limits[binding], level is null ? message : ExtraLimitMessages.AtLevel(level, message), figures.ResetsAt, retryAfter, OutputThatFits(limits[binding], figures.Remaining))
        {
            Level = level?.Level ?? QuotaSubjectLevel.User,
            SubjectName = level?.Name,
        };
    }

    /// <summary>The most output tokens the planned call could ask of <paramref name="limit"/> with <paramref name="room"/> left in it.</summary>
    private long? OutputThatFits(QuotaLimit limit, long? room)
    {
        if (call is null || room is not { } left)
        {
            return null;
        }

        switch (limit.Meter)
        {
            case QuotaMeter.OutputTokens:
                return left;
            case QuotaMeter.TotalTokens:
                return Math.Max(0, left - call.InputTokens);
            case QuotaMeter.Cost when price is not null:
                // The cost grows with the output, so the largest output whose cost fits is found by bisection.
                long fits = -1, tooMany = call.OutputTokens + 1;
                while (tooMany - fits > 1)
                {
                    var mid = fits + ((tooMany - fits) / 2);
                    var cost = price.CostOf(call.InputTokens, mid, call.CachedInputTokens, Math.Min(call.ReasoningTokens, mid));
                    (fits, tooMany) = cost <= left ? (mid, tooMany) : (fits, mid);
                }

                return Math.Max(0, fits);
            default:
                return null;
        }
    }

    /// <summary>Where each planned limit stands at <paramref name="now"/>, given what the store holds.</summary>
    public IReadOnlyList<QuotaLimitStatus> Statuses(StoredLimitState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var held = LimitHolds.Sum(state.LiveHolds);
        var verdict = LimitRule.Judge(Charges(state.Counters, now), now);
        return [.. limits.Select((limit, i) =>
        {
            var figures = verdict.Figures[i];
            var reserved = held.GetValueOrDefault(holdKeys[i]);
            var level = entries[i].Level;
            var taken = figures.Used + reserved;
            return new QuotaLimitStatus
            {
                Level = SubjectNames.Of(level?.Level ?? QuotaSubjectLevel.User),
                Subject = level?.Name,
                Meter = LimitNames.Of(limit.Meter),
                Window = limit.Window is { } w ? LimitNames.Of(w) : null,
                Model = limit.Model?.Pattern,
                Algorithm = LimitNames.Of(limit.Algorithm),
                Limit = limit.Amount,
                Used = figures.Used,
                Reserved = reserved,
                Remaining = limit.Amount is { } amount ? Math.Max(0, amount - taken) : null,
                PercentageUsed = limit.Amount switch
                {
                    null => 0,
                    0 => 100,
                    { } positive => Math.Round(Math.Min(100.0, (double)taken / positive * 100.0), 1),
                },
                ResetsAt = figures.ResetsAt,
                Currency = limit.Meter == QuotaMeter.Cost ? currency : null,
            };
        })];
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
            var key = charges[i].Limit.Name;
            var row = charges[i].Limit.Algorithm switch
            {
                LimitAlgorithm.TokenBucket => new StoredLimitCounter(key, 0, 0, 0, counter.Tat.ToString(CultureInfo.InvariantCulture)),
                LimitAlgorithm.SlidingWindow => new StoredLimitCounter(key, 0, 0, 0, WriteLog(counter.Log ?? [])),
                _ => charges[i].Bounds is { } b
                    ? new StoredLimitCounter(key, b.Start.ToUnixTimeMilliseconds(), b.End.ToUnixTimeMilliseconds(), counter.Count, null)
                    : new StoredLimitCounter(key, 0, 0, counter.Count, null),
            };
            rows[i] = row with { Subject = entries[i].Level?.Subject };
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
