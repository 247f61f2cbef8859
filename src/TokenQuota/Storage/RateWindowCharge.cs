namespace TokenQuota;

/// <summary>One rate window to judge and charge in <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>.</summary>
/// <param name="Key">The window's stable key, for example <c>prompts_hourly</c>; one counter is kept per user and key.</param>
/// <param name="WindowStart">The start of the current window, in Unix seconds; a stored counter with another start counts as zero.</param>
/// <param name="Limit">The most units the window admits.</param>
public readonly record struct RateWindowCharge(string Key, long WindowStart, int Limit);
