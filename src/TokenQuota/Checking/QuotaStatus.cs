using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// A user's quota status for the current period. <c>JsonSerializer.Serialize</c> writes the seed's JSON shape:
/// <c>has_quota, period, profile_name, profile_id, input_tokens{…}, output_tokens{…}, rate_limits{…}</c>.
/// </summary>
public sealed record QuotaStatus
{
    /// <summary>Gets whether a profile applies to the user (even one with unlimited tokens).</summary>
    [JsonPropertyName("has_quota")]
    public required bool HasQuota { get; init; }

    /// <summary>Gets the period key, <c>YYYY-MM</c>.</summary>
    [JsonPropertyName("period")]
    public required string Period { get; init; }

    /// <summary>Gets the name of the profile that applies, or <see langword="null"/>.</summary>
    [JsonPropertyName("profile_name")]
    public string? ProfileName { get; init; }

    /// <summary>Gets the id of the profile that applies, or <see langword="null"/>.</summary>
    [JsonPropertyName("profile_id")]
    public long? ProfileId { get; init; }

    /// <summary>Gets the input-token figures.</summary>
    [JsonPropertyName("input_tokens")]
    public required QuotaTokenStatus InputTokens { get; init; }

    /// <summary>Gets the output-token figures.</summary>
    [JsonPropertyName("output_tokens")]
    public required QuotaTokenStatus OutputTokens { get; init; }

    /// <summary>Gets the rate limits that actually apply to the user (the system defaults when no profile does).</summary>
    [JsonPropertyName("rate_limits")]
    public required QuotaRateLimitsStatus RateLimits { get; init; }

    /// <summary>Gets the first instant of the next period, when token usage starts again from zero.</summary>
    [JsonPropertyName("resets_at")]
    public required DateTimeOffset ResetsAt { get; init; }

    /// <summary>
    /// Gets one entry per extra limit of the user's profile (DESIGN §7), beside the seed's shape, which keeps the
    /// standard limits; empty when the profile has none.
    /// </summary>
    [JsonPropertyName("limits")]
    public IReadOnlyList<QuotaLimitStatus> Limits { get; init; } = [];
}
