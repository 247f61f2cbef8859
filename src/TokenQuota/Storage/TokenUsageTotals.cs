namespace TokenQuota;

/// <summary>A user's stored token usage in one period.</summary>
/// <param name="InputTokens">Input tokens used.</param>
/// <param name="OutputTokens">Output tokens used.</param>
public readonly record struct TokenUsageTotals(long InputTokens, long OutputTokens)
{
    /// <summary>Gets input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
