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

    /// <summary>The counter as the core reads it: a row of another subject than <paramref name="userId"/> is a shared one.</summary>
    public StoredLimitCounter ToCounter(string userId) =>
        new(Key, WindowStart, WindowEnd, Count, State) { Subject = string.Equals(UserId, userId, StringComparison.Ordinal) ? null : UserId };

    /// <summary>
    /// The rows to write for <paramref name="update"/> applied to the rows read (read and written in one transaction by
    /// the caller), or <see langword="null"/> when the core refused the request, so the caller writes nothing.
    /// </summary>
    public static List<LimitCounterRow>? Applied(string userId, LimitCounterUpdate update, IEnumerable<LimitCounterRow> read)
    {
        ArgumentNullException.ThrowIfNull(update);
        var written = update.Apply([.. read.Select(r => r.ToCounter(userId))]);
        return written?.Select(c => new LimitCounterRow { UserId = c.Subject ?? userId, Key = c.Key, WindowStart = c.WindowStart, WindowEnd = c.WindowEnd, Count = c.Count, State = c.State }).ToList();
    }
}
