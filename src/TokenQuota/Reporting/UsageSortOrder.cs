namespace TokenQuota;

/// <summary>How a usage report is sorted; token orders are largest first, ties broken by user id.</summary>
public enum UsageSortOrder
{
    /// <summary>By input tokens, largest first.</summary>
    InputTokens,

    /// <summary>By output tokens, largest first.</summary>
    OutputTokens,

    /// <summary>By total tokens, largest first.</summary>
    TotalTokens,

    /// <summary>By user id, ordinal ascending.</summary>
    UserId,
}
