namespace TokenQuota;

/// <summary>
/// How a limit's window counts. Only a rate (a window of a minute, an hour or a day) may use another than
/// <see cref="FixedWindow"/>; a token bucket or a sliding window is not aligned to the calendar: its window is the
/// nominal length (60 seconds, 3,600 seconds, 24 hours) ending now.
/// </summary>
public enum LimitAlgorithm
{
    /// <summary>
    /// A window aligned to the calendar (<c>fixed_window</c>, the default): at most the amount between two boundaries,
    /// and all of it again after the boundary, so up to twice the amount can pass in one window's length around it.
    /// </summary>
    FixedWindow,

    /// <summary>
    /// A bucket of capacity = amount, refilled continuously at amount per window (<c>token_bucket</c>): over any span of
    /// length <c>t</c>, at most <c>amount × (1 + t / window)</c> pass, never the 2× burst of a fixed window's edge.
    /// </summary>
    TokenBucket,

    /// <summary>
    /// A window that ends now (<c>sliding_window</c>): over any span of one window's length, at most the amount passes.
    /// </summary>
    SlidingWindow,
}
