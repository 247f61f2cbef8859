using System.Globalization;
using Microsoft.Extensions.Options;
using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>Which rate limits apply to a profile, the windows they map to, and the refusal messages.</summary>
internal sealed class RateLimitRules(IOptions<TokenQuotaOptions> options)
{
    private readonly RateLimitOptions defaults = options.Value.RateLimits;

    /// <summary>
    /// The limits that actually apply under <paramref name="settings"/> (the run-time settings): none when rate limits
    /// are disabled; the system defaults when no profile applies or under the global override; else the profile's.
    /// </summary>
    public QuotaRateLimitsStatus LimitsFor(ConsumptionProfile? profile, RateLimitSettings settings)
    {
        if (!settings.Enabled)
        {
            return new QuotaRateLimitsStatus();
        }

        return profile is null || settings.GlobalOverride
            ? new QuotaRateLimitsStatus
            {
                PromptsPerHour = defaults.DefaultPromptsPerHour,
                PromptsPerDay = defaults.DefaultPromptsPerDay,
                ConfigChangesPerHour = defaults.DefaultConfigChangesPerHour,
            }
            : new QuotaRateLimitsStatus
            {
                PromptsPerHour = profile.PromptsPerHour,
                PromptsPerDay = profile.PromptsPerDay,
                ConfigChangesPerHour = profile.ConfigChangesPerHour,
            };
    }

    /// <summary>
    /// The current <paramref name="window"/> at <paramref name="nowSeconds"/>, limited to <paramref name="limit"/> as
    /// resolved against <paramref name="configurationVersion"/>.
    /// </summary>
    public static RateWindowCharge Charge(RateLimitWindow window, long nowSeconds, int limit, long configurationVersion) =>
        new(window, RateWindows.StartOf(window, nowSeconds), limit, configurationVersion);

    public static DateTimeOffset EndOf(RateWindowCharge window) =>
        DateTimeOffset.FromUnixTimeSeconds(window.WindowStart) + RateWindows.Duration(window.Window);

    public static string RefusalMessage(RateLimitWindow window, int limit, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        return window switch
        {
            RateLimitWindow.PromptsPerHour => string.Create(CultureInfo.InvariantCulture, $"Hourly prompt limit exceeded ({limit}/hour). Retry in {seconds} seconds."),
            RateLimitWindow.PromptsPerDay => string.Create(CultureInfo.InvariantCulture, $"Daily prompt limit exceeded ({limit}/day). Retry in {seconds} seconds."),
            _ => string.Create(CultureInfo.InvariantCulture, $"Configuration limit exceeded ({limit}/hour). Retry in {seconds} seconds."),
        };
    }
}
