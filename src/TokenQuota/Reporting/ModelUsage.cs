using System.Text.Json.Serialization;

namespace TokenQuota;

/// <summary>
/// What a user (or, in totals, every user) used of one model in one month: calls, tokens and cost (nano-units of the
/// installation's currency). Only calls that named their model are counted here; the user's monthly totals count all.
/// </summary>
public sealed record ModelUsage
{
    /// <summary>Gets the user id, or <see langword="null"/> in a total over every user.</summary>
    [JsonPropertyName("user_id")]
    public string? UserId { get; init; }

    /// <summary>Gets the period key, <c>YYYY-MM</c>.</summary>
    [JsonPropertyName("period")]
    public required string Period { get; init; }

    /// <summary>Gets the model id (lower-cased).</summary>
    [JsonPropertyName("model")]
    public required string ModelId { get; init; }

    /// <summary>Gets the calls counted.</summary>
    [JsonPropertyName("calls")]
    public long Calls { get; init; }

    /// <summary>Gets the input tokens used, cached ones included.</summary>
    [JsonPropertyName("input_tokens")]
    public long InputTokens { get; init; }

    /// <summary>Gets the input tokens served from the provider's cache.</summary>
    [JsonPropertyName("cached_input_tokens")]
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens used, reasoning ones included.</summary>
    [JsonPropertyName("output_tokens")]
    public long OutputTokens { get; init; }

    /// <summary>Gets the output tokens spent reasoning.</summary>
    [JsonPropertyName("reasoning_tokens")]
    public long ReasoningTokens { get; init; }

    /// <summary>Gets the cost in nano-units (10⁻⁹ of the currency), each call priced at its time.</summary>
    [JsonPropertyName("cost_nano")]
    public long CostNanoUnits { get; init; }
}
