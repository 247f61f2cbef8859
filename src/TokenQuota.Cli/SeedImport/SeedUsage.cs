namespace TokenQuota.Cli.SeedImport;

/// <summary>A row of the seed's <c>user_token_usage</c>, its TIMESTAMP text read as UTC.</summary>
/// <param name="SeedId">The row's id in the seed.</param>
/// <param name="UserId">The user id.</param>
/// <param name="Period">The calendar month.</param>
/// <param name="InputTokens">Input tokens used.</param>
/// <param name="OutputTokens">Output tokens used.</param>
/// <param name="FirstUsageAt">The first use in the month.</param>
/// <param name="LastUsageAt">The last use in the month.</param>
internal sealed record SeedUsage(long SeedId, string UserId, QuotaPeriod Period, long InputTokens, long OutputTokens, DateTimeOffset FirstUsageAt, DateTimeOffset LastUsageAt);
