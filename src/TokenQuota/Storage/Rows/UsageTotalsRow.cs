namespace TokenQuota.Storage;

/// <summary>A user's usage and live reservations in one period, in the flat shape SQL returns, for store implementations.</summary>
public sealed class UsageTotalsRow
{
    /// <summary>Gets or sets the input tokens used.</summary>
    public long InputTokens { get; set; }

    /// <summary>Gets or sets the output tokens used.</summary>
    public long OutputTokens { get; set; }

    /// <summary>Gets or sets the input tokens held by live reservations.</summary>
    public long ReservedInputTokens { get; set; }

    /// <summary>Gets or sets the output tokens held by live reservations.</summary>
    public long ReservedOutputTokens { get; set; }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The totals.</returns>
    public TokenUsageTotals ToTotals() =>
        new(InputTokens, OutputTokens) { ReservedInputTokens = ReservedInputTokens, ReservedOutputTokens = ReservedOutputTokens };
}
