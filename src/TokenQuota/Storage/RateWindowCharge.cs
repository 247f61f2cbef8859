namespace TokenQuota;

/// <summary>One rate window to judge and charge in <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>.</summary>
/// <param name="Key">The window's stable key, for example <c>prompts_hourly</c>; one counter is kept per user and key.</param>
/// <param name="WindowStart">The start of the current window, in Unix seconds; a stored counter with another start counts as zero.</param>
/// <param name="Limit">The most units the window admits.</param>
public readonly record struct RateWindowCharge(string Key, long WindowStart, int Limit)
{
    /// <summary>
    /// Gets the configuration version the limit was resolved against, or 0 (the default) for none. A store that reports
    /// versions (<see cref="RateWindowChargeResult.ConfigurationVersion"/>) reads its version in the same transaction and,
    /// when it differs from a non-zero value here, refuses the whole request and writes nothing, so the core can resolve
    /// the profile again and retry: limits are never judged against a stale profile.
    /// </summary>
    public long ConfigurationVersion { get; init; }
}
