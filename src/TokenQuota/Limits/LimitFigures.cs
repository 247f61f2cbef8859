namespace TokenQuota;

/// <summary>A limit's figures as a status or a refusal shows them.</summary>
/// <param name="Amount">The limit, or <see langword="null"/> for unlimited.</param>
/// <param name="Used">The units counted (for a bucket: the capacity taken and not yet refilled).</param>
/// <param name="Remaining">The units still allowed now, or <see langword="null"/> for unlimited.</param>
/// <param name="ResetsAt">When the count next falls: the window's end, a bucket's full refill, the oldest log entry's expiry; <see langword="null"/> for in flight.</param>
internal readonly record struct LimitFigures(long? Amount, long Used, long? Remaining, DateTimeOffset? ResetsAt);
