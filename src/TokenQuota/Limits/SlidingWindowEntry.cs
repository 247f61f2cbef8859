namespace TokenQuota;

/// <summary>One admitted request in a <see cref="SlidingWindowLog"/>.</summary>
/// <param name="AtMs">When it was admitted, Unix milliseconds.</param>
/// <param name="Units">The units it took.</param>
internal readonly record struct SlidingWindowEntry(long AtMs, long Units);
