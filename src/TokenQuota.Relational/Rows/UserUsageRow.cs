namespace TokenQuota.Relational;

/// <summary>A stored usage row in the flat shape SQL returns (times as Unix milliseconds), for store implementations.</summary>
internal sealed class UserUsageRow
{
    /// <summary>Gets or sets the user id.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Gets or sets the period key.</summary>
    public string Period { get; set; } = string.Empty;

    /// <summary>Gets or sets the input tokens used.</summary>
    public long InputTokens { get; set; }

    /// <summary>Gets or sets the output tokens used.</summary>
    public long OutputTokens { get; set; }

    /// <summary>Gets or sets the total tokens used.</summary>
    public long TotalTokens { get; set; }

    /// <summary>Gets or sets the first usage time in Unix milliseconds.</summary>
    public long FirstUsageAt { get; set; }

    /// <summary>Gets or sets the last usage time in Unix milliseconds.</summary>
    public long LastUsageAt { get; set; }

    /// <summary>Converts the row to the model.</summary>
    /// <returns>The usage.</returns>
    public UserUsage ToUsage() => new()
    {
        UserId = UserId,
        Period = Period,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        TotalTokens = TotalTokens,
        FirstUsageAt = DateTimeOffset.FromUnixTimeMilliseconds(FirstUsageAt),
        LastUsageAt = DateTimeOffset.FromUnixTimeMilliseconds(LastUsageAt),
    };
}
