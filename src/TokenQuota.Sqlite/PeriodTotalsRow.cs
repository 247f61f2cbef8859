namespace TokenQuota.Sqlite;

/// <summary>One row of the per-period totals query.</summary>
internal sealed class PeriodTotalsRow
{
    public string Period { get; set; } = string.Empty;

    public long Users { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long TotalTokens { get; set; }

    public PeriodUsageTotals ToTotals() => new()
    {
        Period = Period,
        Users = Users,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        TotalTokens = TotalTokens,
    };
}
