namespace TokenQuota.Sqlite;

/// <summary>A row of <c>user_token_usage</c> for reports (times are Unix ms).</summary>
internal sealed class UserUsageRow
{
    public string UserId { get; set; } = string.Empty;

    public string Period { get; set; } = string.Empty;

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long TotalTokens { get; set; }

    public long FirstUsageAt { get; set; }

    public long LastUsageAt { get; set; }

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
