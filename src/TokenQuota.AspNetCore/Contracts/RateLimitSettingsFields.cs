namespace TokenQuota.AspNetCore;

/// <summary>
/// The keys of <c>PUT /admin/rate-limit-settings</c>: the seed's two boolean <c>rate_limit_*</c> settings are changeable
/// at run time; its numeric ones are start-up options here, and anything else is refused, so a typo never reads as success.
/// </summary>
internal static class RateLimitSettingsFields
{
    public const string Enabled = "rate_limit_enabled";

    public const string GlobalOverride = "rate_limit_global_override";

    /// <summary>The seed's numeric settings and the start-up option that replaces each (the IP limits have none).</summary>
    private static readonly Dictionary<string, string> StartUpOnly = new(StringComparer.Ordinal)
    {
        ["rate_limit_user_prompts_per_hour"] = "RateLimitOptions.DefaultPromptsPerHour",
        ["rate_limit_user_prompts_per_day"] = "RateLimitOptions.DefaultPromptsPerDay",
        ["rate_limit_user_configs_per_hour"] = "RateLimitOptions.DefaultConfigChangesPerHour",
        ["rate_limit_ip_login_per_minute"] = string.Empty,
        ["rate_limit_ip_register_per_hour"] = string.Empty,
        ["rate_limit_ip_api_per_minute"] = string.Empty,
    };

    /// <summary>Why a key is refused, or <see langword="null"/> for the two accepted keys.</summary>
    public static string? Refusal(string key)
    {
        if (key is Enabled or GlobalOverride)
        {
            return null;
        }

        if (StartUpOnly.TryGetValue(key, out var option))
        {
            return option.Length > 0
                ? $"{key} cannot be changed at run time; it is the start-up option {option}."
                : $"{key} is not supported: TokenQuota has no per-IP limits.";
        }

        return $"Unknown setting '{key}'. Accepted: {Enabled}, {GlobalOverride}.";
    }
}
