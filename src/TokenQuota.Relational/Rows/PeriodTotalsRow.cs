namespace TokenQuota.Relational;

/// <summary>One period's totals in the flat shape SQL returns, for store implementations.</summary>
internal sealed class PeriodTotalsRow
{
    /// <summary>Gets or sets the period key.</summary>
    public string Period { get; set; } = string.Empty;

    /// <summary>Gets or sets the number of users with usage.</summary>
    public long Users { get; set; }

    /// <summary>Gets or sets the input tokens used.</summary>
    public long InputTokens { get; set; }

    /// <summary>Gets or sets the output tokens used.</summary>
    public long OutputTokens { get; set; }

    /// <summary>Gets or sets the total tokens used.</summary>
    public long TotalTokens { get; set; }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The totals.</returns>
    public PeriodUsageTotals ToTotals() => new()
    {
        Period = Period,
        Users = Users,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        TotalTokens = TotalTokens,
    };
}
