using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>The default <see cref="IUsageReports"/>: validates the query and reads the store.</summary>
internal sealed class UsageReports(IQuotaStore store, ProfileResolver resolver, TimeProvider timeProvider) : IUsageReports
{
    public async Task<IReadOnlyList<SubjectUsage>> GetSubjectUsageAsync(QuotaSubjectLevel level, CancellationToken cancellationToken = default)
    {
        if (level is not (QuotaSubjectLevel.Team or QuotaSubjectLevel.Organisation))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Usage by subject is reported for teams or organisations.");
        }

        return await StoreCall.Run("usage by " + SubjectNames.Of(level), async () =>
        {
            var configuration = await resolver.GetSnapshotAsync(knownVersion: null, cancellationToken).ConfigureAwait(false);
            var subjects = level == QuotaSubjectLevel.Team
                ? (await store.GetTeamsAsync(cancellationToken).ConfigureAwait(false)).Select(t => (t.Id, t.Name, t.ProfileId))
                : (await store.GetOrganisationsAsync(cancellationToken).ConfigureAwait(false)).Select(o => (o.Id, o.Name, o.ProfileId));
            var report = new List<SubjectUsage>();
            foreach (var (id, name, profileId) in subjects)
            {
                var shared = new SharedLevel(level, id, name, configuration.ProfileOf(profileId));
                var plan = ExtraLimitPlan.All(null, configuration.Prices.Currency, [shared]);
                // The subject stands in for the user: no user's counters or holds are kept under its id.
                var state = await store.GetLimitStateAsync(shared.Subject, [], plan.SharedKeys, cancellationToken).ConfigureAwait(false);
                var limits = plan.Statuses(state, timeProvider.GetUtcNow());
                report.Add(new SubjectUsage
                {
                    Level = level,
                    Id = id,
                    Name = name,
                    ProfileId = profileId,
                    InputTokens = MonthUsed(limits, "input_tokens"),
                    OutputTokens = MonthUsed(limits, "output_tokens"),
                    Limits = limits,
                });
            }

            return (IReadOnlyList<SubjectUsage>)report;
        }).ConfigureAwait(false);
    }

    private static long MonthUsed(IReadOnlyList<QuotaLimitStatus> limits, string meter) =>
        limits.FirstOrDefault(l => l.Meter == meter && l.Window == "month" && l.Model is null)?.Used ?? 0;

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
