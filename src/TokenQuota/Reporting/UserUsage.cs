using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>A user's stored usage in one period.</summary>
public sealed record UserUsage
{
    /// <summary>Gets the user id.</summary>
    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    /// <summary>Gets the period key, <c>YYYY-MM</c>.</summary>
    [JsonPropertyName("period")]
    public required string Period { get; init; }

    /// <summary>Gets the input tokens used.</summary>
    [JsonPropertyName("input_tokens_used")]
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens used.</summary>
    [JsonPropertyName("output_tokens_used")]
    public long OutputTokens { get; init; }

    /// <summary>Gets input plus output tokens.</summary>
    [JsonPropertyName("total_tokens_used")]
    public long TotalTokens { get; init; }

    /// <summary>Gets when usage was first recorded in the period (UTC).</summary>
    [JsonPropertyName("first_usage_at")]
    public DateTimeOffset FirstUsageAt { get; init; }

    /// <summary>Gets when usage was last recorded in the period (UTC).</summary>
    [JsonPropertyName("last_usage_at")]
    public DateTimeOffset LastUsageAt { get; init; }
}
