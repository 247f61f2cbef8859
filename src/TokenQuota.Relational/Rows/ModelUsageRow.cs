namespace TokenQuota.Relational;

/// <summary>A row of a usage-by-model report (<c>UserId</c> NULL in totals over every user).</summary>
internal sealed class ModelUsageRow
{
    public string? UserId { get; set; }

    public string Period { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public long Calls { get; set; }

    public long InputTokens { get; set; }

    public long CachedInputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long ReasoningTokens { get; set; }

    public long CostNano { get; set; }

    public ModelUsage ToUsage() => new()
    {
        UserId = UserId,
        Period = Period,
        ModelId = Model,
        Calls = Calls,
        InputTokens = InputTokens,
        CachedInputTokens = CachedInputTokens,
        OutputTokens = OutputTokens,
        ReasoningTokens = ReasoningTokens,
        CostNanoUnits = CostNano,
    };
}
