namespace TokenQuota;

/// <summary>
/// What one LLM call used, as providers report it: its input tokens (cached ones included), its output tokens
/// (reasoning ones included), and the model it went to. Cached input and reasoning tokens are priced apart when the
/// catalogue gives them a price of their own.
/// </summary>
public sealed record CallUsage
{
    /// <summary>Gets the input tokens used, cached ones included (≥ 0).</summary>
    public required long InputTokens { get; init; }

    /// <summary>Gets the output tokens used, reasoning ones included (≥ 0).</summary>
    public required long OutputTokens { get; init; }

    /// <summary>Gets the input tokens served from the provider's cache (0 to <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens spent reasoning (0 to <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Gets the model the call went to, or <see langword="null"/> when unknown (a reservation's commit then uses the reservation's model).</summary>
    public string? ModelId { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when a count or the model id is not acceptable.</summary>
    internal void Validate()
    {
        TokenCounts.Validate(InputTokens, nameof(InputTokens));
        TokenCounts.Validate(OutputTokens, nameof(OutputTokens));
        TokenCounts.Validate(CachedInputTokens, nameof(CachedInputTokens));
        TokenCounts.Validate(ReasoningTokens, nameof(ReasoningTokens));
        if (CachedInputTokens > InputTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(CachedInputTokens), CachedInputTokens, $"Cached input tokens are part of the input tokens ({InputTokens}); there cannot be more of them.");
        }

        if (ReasoningTokens > OutputTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(ReasoningTokens), ReasoningTokens, $"Reasoning tokens are part of the output tokens ({OutputTokens}); there cannot be more of them.");
        }

        ModelIds.Validate(ModelId, nameof(ModelId));
    }
}
