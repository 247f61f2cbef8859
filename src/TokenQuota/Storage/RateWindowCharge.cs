namespace TokenQuota.Storage;

/// <summary>One rate window to judge and charge in <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>.</summary>
/// <param name="Window">
/// Which window: its kind fixes its duration (a clock hour or a UTC day). One counter is kept per user and window, whatever
/// set of windows a request carries; a store may lay the counters out as it likes (the SQLite store keeps a user's two
/// prompt windows in one row).
/// </param>
/// <param name="WindowStart">The start of the current window, in Unix seconds; a stored counter with another start counts as zero.</param>
/// <param name="Limit">The most units the window admits.</param>
/// <param name="ConfigurationVersion">
/// The configuration version (see <see cref="IQuotaStore.GetConfigurationVersionAsync"/>) the limit was resolved against.
/// The store reads its version in the same transaction and, when it differs from this one for any window of the request,
/// refuses the whole request and writes nothing, so the caller resolves the profile again and retries: limits are never
/// judged against a stale profile.
/// </param>
public readonly record struct RateWindowCharge(RateLimitWindow Window, long WindowStart, int Limit, long ConfigurationVersion);
