using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>A row of <c>tokenquota_limit_counters</c>, as Dapper reads and writes it.</summary>
internal sealed class LimitCounterRow
{
    public string UserId { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public long WindowStart { get; set; }

    public long WindowEnd { get; set; }

    public long Count { get; set; }

    public string? State { get; set; }

    /// <summary>The counter as the core reads it: a row of one of the <paramref name="shared"/> subjects carries its subject.</summary>
    public StoredLimitCounter ToCounter(IReadOnlyList<SharedCounterKey> shared) =>
        new(Key, WindowStart, WindowEnd, Count, State) { Subject = shared.Any(k => string.Equals(k.Subject, UserId, StringComparison.Ordinal)) ? UserId : null };

    /// <summary>
    /// The rows to write for <paramref name="update"/> applied to the rows read (read and written in one transaction by
    /// the caller), or <see langword="null"/> when the core refused the request, so the caller writes nothing.
    /// </summary>
    public static List<LimitCounterRow>? Applied(string userId, LimitCounterUpdate update, IEnumerable<LimitCounterRow> read)
    {
        ArgumentNullException.ThrowIfNull(update);
        var written = update.Apply([.. read.Select(r => r.ToCounter(update.SharedKeys))]);
        return written?.Select(c => new LimitCounterRow { UserId = c.Subject ?? userId, Key = c.Key, WindowStart = c.WindowStart, WindowEnd = c.WindowEnd, Count = c.Count, State = c.State }).ToList();
    }
}
