using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// The keys of the rate windows the core judges and charges through <see cref="IQuotaStore.TryChargeRateWindowsAsync"/>
/// (<see cref="RateWindowCharge.Key"/>). A prompt charges <see cref="PromptsHourly"/> and <see cref="PromptsDaily"/>
/// together; a configuration change charges <see cref="ConfigChangesHourly"/>. A store may give these keys a layout of
/// their own (the SQLite store keeps a user's two prompt windows in one row), as long as it keeps one counter per user
/// and key, whatever set of windows a request carries.
/// </summary>
public static class RateWindowKeys
{
    /// <summary>The hourly prompt window: <c>prompts_hourly</c>.</summary>
    public const string PromptsHourly = "prompts_hourly";

    /// <summary>The daily prompt window: <c>prompts_daily</c>.</summary>
    public const string PromptsDaily = "prompts_daily";

    /// <summary>The hourly configuration-change window: <c>config_hourly</c>.</summary>
    public const string ConfigChangesHourly = "config_hourly";
}
