using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The default <see cref="IUsageReports"/>: validates the query and reads the store.</summary>
internal sealed class UsageReports(IQuotaStore store) : IUsageReports
{
    public Task<PagedResult<UserUsage>> GetUsageAsync(QuotaPeriod period, UsageSortOrder sortOrder = UsageSortOrder.TotalTokens, int offset = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        RequirePeriod(period);
        if (!Enum.IsDefined(sortOrder))
        {
            throw new ArgumentOutOfRangeException(nameof(sortOrder), sortOrder, "Unknown sort order.");
        }

        Paging.Validate(offset, limit);
        return StoreCall.Run("usage report", () => store.GetUsageReportAsync(period, sortOrder, offset, limit, cancellationToken));
    }

    public Task<IReadOnlyList<PeriodUsageTotals>> GetPeriodTotalsAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run("period totals", () => store.GetPeriodTotalsAsync(cancellationToken));

    public Task<IReadOnlyList<UserUsage>> GetUserHistoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        UserIds.Validate(userId);
        return StoreCall.Run("user usage history", () => store.GetUserUsageHistoryAsync(userId, cancellationToken));
    }

    public Task<IReadOnlyList<ModelUsage>> GetModelUsageAsync(QuotaPeriod period, string? userId = null, CancellationToken cancellationToken = default)
    {
        RequirePeriod(period);
        if (userId is not null)
        {
            UserIds.Validate(userId);
        }

        return StoreCall.Run("usage by model", () => store.GetModelUsageAsync(period, userId, totals: false, cancellationToken));
    }

    public Task<IReadOnlyList<ModelUsage>> GetModelTotalsAsync(QuotaPeriod period, CancellationToken cancellationToken = default)
    {
        RequirePeriod(period);
        return StoreCall.Run("usage by model", () => store.GetModelUsageAsync(period, null, totals: true, cancellationToken));
    }

    private static void RequirePeriod(QuotaPeriod period)
    {
        if (period == default)
        {
            throw new ArgumentException("The period is unset; use QuotaPeriod.Parse(\"YYYY-MM\").", nameof(period));
        }
    }
}
