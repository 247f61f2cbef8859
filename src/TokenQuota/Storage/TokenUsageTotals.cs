namespace TokenQuota.Storage;

/// <summary>A user's stored token usage in one period, and the estimates its live reservations hold.</summary>
/// <param name="InputTokens">Input tokens used (committed or recorded).</param>
/// <param name="OutputTokens">Output tokens used (committed or recorded).</param>
public readonly record struct TokenUsageTotals(long InputTokens, long OutputTokens)
{
    /// <summary>Gets input tokens held by live (unexpired, uncommitted, unreleased) reservations in the period.</summary>
    public long ReservedInputTokens { get; init; }

    /// <summary>Gets output tokens held by live reservations in the period.</summary>
    public long ReservedOutputTokens { get; init; }

    /// <summary>
    /// Gets the store's configuration version (see <see cref="IQuotaStore.GetConfigurationVersionAsync"/>) read in the
    /// same snapshot as the usage; every store reports it, so a check resolves the profile against it instead of reading
    /// the version in a second round trip.
    /// </summary>
    public long ConfigurationVersion { get; init; }

    /// <summary>Gets input plus output tokens used.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
