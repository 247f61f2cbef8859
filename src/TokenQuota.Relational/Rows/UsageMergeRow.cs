using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>The parameters of a store's merge-usage statement (<see cref="IQuotaAdminSession.MergeUsageAsync"/>), times in Unix milliseconds.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Period">The period key (YYYY-MM).</param>
/// <param name="Input">The input tokens.</param>
/// <param name="Output">The output tokens.</param>
/// <param name="First">The first use.</param>
/// <param name="Last">The last use.</param>
internal sealed record UsageMergeRow(string UserId, string Period, long Input, long Output, long First, long Last)
{
    public static UsageMergeRow From(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset firstUsageAt, DateTimeOffset lastUsageAt) =>
        new(userId, period.Key, inputTokens, outputTokens, firstUsageAt.ToUnixTimeMilliseconds(), lastUsageAt.ToUnixTimeMilliseconds());
}
