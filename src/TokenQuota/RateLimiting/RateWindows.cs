namespace TokenQuota;

/// <summary>
/// What each <see cref="RateLimitWindow"/> is, in one place: its duration, where the current one starts, and the key its
/// counter is stored under (the <c>window_key</c> of <c>tokenquota_rate_windows</c>).
/// </summary>
internal static class RateWindows
{
    private const long HourSeconds = 3600;
    private const long DaySeconds = 86400;

    /// <summary>The window's length: a clock hour or a day (UTC).</summary>
    public static TimeSpan Duration(RateLimitWindow window) => TimeSpan.FromSeconds(Seconds(window));

    /// <summary>The start, in Unix seconds, of the window of this kind that contains <paramref name="nowSeconds"/>.</summary>
    public static long StartOf(RateLimitWindow window, long nowSeconds) => nowSeconds - (nowSeconds % Seconds(window));

    /// <summary>The key the window's counter is stored under; the stored data depends on these strings, so they never change.</summary>
    public static string StoredKey(RateLimitWindow window) => window switch
    {
        RateLimitWindow.PromptsPerHour => "prompts_hourly",
        RateLimitWindow.PromptsPerDay => "prompts_daily",
        RateLimitWindow.ConfigChangesPerHour => "config_hourly",
        _ => throw Undefined(window),
    };

    private static long Seconds(RateLimitWindow window) => window switch
    {
        RateLimitWindow.PromptsPerHour or RateLimitWindow.ConfigChangesPerHour => HourSeconds,
        RateLimitWindow.PromptsPerDay => DaySeconds,
        _ => throw Undefined(window),
    };

    private static ArgumentOutOfRangeException Undefined(RateLimitWindow window) =>
        new(nameof(window), window, "Not a defined rate window.");
}
