using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>All users' usage in one period, added up.</summary>
public sealed record PeriodUsageTotals
{
    /// <summary>Gets the period key, <c>YYYY-MM</c>.</summary>
    [JsonPropertyName("period")]
    public required string Period { get; init; }

    /// <summary>Gets how many users recorded usage in the period.</summary>
    [JsonPropertyName("users")]
    public long Users { get; init; }

    /// <summary>Gets the input tokens used.</summary>
    [JsonPropertyName("input_tokens_used")]
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens used.</summary>
    [JsonPropertyName("output_tokens_used")]
    public long OutputTokens { get; init; }

    /// <summary>Gets input plus output tokens.</summary>
    [JsonPropertyName("total_tokens_used")]
    public long TotalTokens { get; init; }
}
