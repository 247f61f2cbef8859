namespace TokenQuota;

/// <summary>
/// The sliding-window rule, exact: the state is the log of admitted requests (time, units) of the last window; a
/// request is admitted iff the units logged in the window that ends now, plus its own, are at most the amount.
/// </summary>
/// <remarks>
/// Guarantee: over any span of one window's length at most the amount is admitted. An entry stops counting exactly one
/// window after it was admitted, so the wait it reports is exact.
/// </remarks>
internal static class SlidingWindowLog
{
    /// <summary>Judges <paramref name="units"/> at <paramref name="nowMs"/>.</summary>
    /// <param name="log">The logged requests, oldest first (entries older than the window are ignored).</param>
    /// <param name="amount">The most units a window admits.</param>
    /// <param name="windowMs">The window's length in milliseconds.</param>
    /// <param name="nowMs">The time of the request, Unix milliseconds.</param>
    /// <param name="units">The units requested.</param>
    /// <returns>Whether they fit, the units in the window after the decision, and the exact wait when they do not.</returns>
    public static (bool Admitted, long Used, TimeSpan? RetryAfter) Judge(IReadOnlyList<SlidingWindowEntry> log, long amount, long windowMs, long nowMs, long units)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowMs);
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        var first = 0;
        while (first < log.Count && log[first].AtMs + windowMs <= nowMs)
        {
            first++;
        }

        long used = 0;
        for (var i = first; i < log.Count; i++)
        {
            used += log[i].Units;
        }

        if (used + units <= amount)
        {
            return (true, used + units, null);
        }

        if (units > amount)
        {
            return (false, used, null);
        }

        var left = used;
        for (var i = first; i < log.Count; i++)
        {
            left -= log[i].Units;
            if (left + units <= amount)
            {
                return (false, used, TimeSpan.FromMilliseconds(log[i].AtMs + windowMs - nowMs));
            }
        }

        return (false, used, null);
    }
}
