using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>The rate limits in a <see cref="QuotaStatus"/>; all <see langword="null"/> when rate limiting is disabled.</summary>
public sealed record QuotaRateLimitsStatus
{
    /// <summary>Gets the prompts allowed per hour.</summary>
    [JsonPropertyName("prompts_per_hour")]
    public int? PromptsPerHour { get; init; }

    /// <summary>Gets the prompts allowed per day.</summary>
    [JsonPropertyName("prompts_per_day")]
    public int? PromptsPerDay { get; init; }

    /// <summary>Gets the configuration changes allowed per hour.</summary>
    [JsonPropertyName("config_changes_per_hour")]
    public int? ConfigChangesPerHour { get; init; }
}
