namespace TokenQuota;

/// <summary>
/// The token-bucket rule (GCRA form), exact in integers: capacity = amount, refilled continuously at amount per
/// window. The state is one number, the bucket's theoretical arrival time <c>tat</c>, kept in milliseconds × amount so
/// that one unit's share of the window (window / amount milliseconds) is the whole number <c>window</c>.
/// </summary>
/// <remarks>
/// Guarantee: over any span of <c>t</c> milliseconds at most <c>amount × (1 + t / window)</c> units are admitted; a full
/// bucket admits at most <c>amount</c> at once, so the 2× burst at a fixed window's edge cannot happen.
/// </remarks>
internal static class TokenBucket
{
    /// <summary>Judges <paramref name="units"/> at <paramref name="nowMs"/> against a bucket of <paramref name="amount"/> per <paramref name="windowMs"/>.</summary>
    /// <param name="tat">The stored state (0 for a bucket never used: full).</param>
    /// <param name="amount">The capacity, and the refill per window.</param>
    /// <param name="windowMs">The window's length in milliseconds.</param>
    /// <param name="nowMs">The time of the request, Unix milliseconds.</param>
    /// <param name="units">The units requested.</param>
    public static TokenBucketDecision Judge(Int128 tat, long amount, long windowMs, long nowMs, long units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowMs);
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        Int128 now = (Int128)nowMs * amount;
        Int128 capacity = (Int128)windowMs * amount;
        var start = tat > now ? tat : now;
        var next = start + ((Int128)units * windowMs);
        if (next - now <= capacity)
        {
            return new TokenBucketDecision(true, next, Remaining(next, now, windowMs, amount), null);
        }

        // More than the capacity never fits; otherwise wait until enough has refilled.
        TimeSpan? retryAfter = units > amount || amount == 0
            ? null
            : TimeSpan.FromMilliseconds((long)CeilingDivide(next - capacity - now, amount));
        return new TokenBucketDecision(false, tat, Remaining(start, now, windowMs, amount), retryAfter);
    }

    /// <summary>The whole units left in the bucket at <paramref name="nowMs"/>.</summary>
    public static long Remaining(Int128 tat, long amount, long windowMs, long nowMs) =>
        Remaining(tat, (Int128)nowMs * amount, windowMs, amount);

    private static long Remaining(Int128 tat, Int128 now, long windowMs, long amount)
    {
        var debt = tat > now ? tat - now : 0;
        return (long)((((Int128)windowMs * amount) - debt) / windowMs);
    }

    private static Int128 CeilingDivide(Int128 value, long divisor) => value <= 0 ? 0 : (value + divisor - 1) / divisor;
}
