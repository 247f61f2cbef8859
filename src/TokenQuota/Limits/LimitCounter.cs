namespace TokenQuota;

/// <summary>
/// The stored state of one limit for one subject: <see cref="Count"/> for a fixed window (used plus reserved in the
/// current window) or an in-flight limit (live reservations), <see cref="Tat"/> for a token bucket (0: full), and
/// <see cref="Log"/> for a sliding window.
/// </summary>
internal readonly record struct LimitCounter(long Count, Int128 Tat, IReadOnlyList<SlidingWindowEntry>? Log)
{
    /// <summary>A counter never used.</summary>
    public static LimitCounter Empty => default;
}
