namespace TokenQuota;

/// <summary>A user's stored token usage in one period, and the estimates its live reservations hold.</summary>
/// <param name="InputTokens">Input tokens used (committed or recorded).</param>
/// <param name="OutputTokens">Output tokens used (committed or recorded).</param>
public readonly record struct TokenUsageTotals(long InputTokens, long OutputTokens)
{
    /// <summary>Gets input tokens held by live (unexpired, uncommitted, unreleased) reservations in the period.</summary>
    public long ReservedInputTokens { get; init; }

    /// <summary>Gets output tokens held by live reservations in the period.</summary>
    public long ReservedOutputTokens { get; init; }

    /// <summary>Gets input plus output tokens used.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
