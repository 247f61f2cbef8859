using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>
/// A SQL store whose administration and reports are the shared relational ones: the members of
/// <see cref="IQuotaStore"/> they serve are implemented here once, for every such store.
/// </summary>
internal interface IRelationalQuotaStore : IQuotaStore
{
    /// <summary>Gets the store's shared administration (profiles, settings, administrative changes).</summary>
    RelationalAdministration Administration { get; }

    /// <summary>Gets the store's shared reports (audit, assignments, usage).</summary>
    RelationalReports Reports { get; }

    Task<IReadOnlyList<ConsumptionProfile>> IQuotaStore.GetProfilesAsync(CancellationToken cancellationToken) =>
        Administration.GetProfilesAsync(cancellationToken);

    Task<IReadOnlyList<ModelPrice>> IQuotaStore.GetModelPricesAsync(CancellationToken cancellationToken) =>
        Administration.GetModelPricesAsync(cancellationToken);

    Task<StoredRateLimitSettings> IQuotaStore.GetRateLimitSettingsAsync(CancellationToken cancellationToken) =>
        Administration.GetRateLimitSettingsAsync(cancellationToken);

    Task<IReadOnlyList<QuotaTeam>> IQuotaStore.GetTeamsAsync(CancellationToken cancellationToken) =>
        Administration.GetTeamsAsync(cancellationToken);

    Task<IReadOnlyList<QuotaOrganisation>> IQuotaStore.GetOrganisationsAsync(CancellationToken cancellationToken) =>
        Administration.GetOrganisationsAsync(cancellationToken);

    async ValueTask<long?> IQuotaStore.GetTeamIdAsync(string userId, CancellationToken cancellationToken) =>
        await Administration.GetTeamIdAsync(userId, cancellationToken).ConfigureAwait(false);

    Task<PagedResult<TeamMember>> IQuotaStore.ListTeamMembersAsync(long teamId, int offset, int limit, CancellationToken cancellationToken) =>
        Reports.ListTeamMembersAsync(teamId, offset, limit, cancellationToken);

    Task<T> IQuotaStore.ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken) =>
        Administration.ExecuteAdminChangeAsync(change, cancellationToken);

    Task<PagedResult<QuotaAuditEntry>> IQuotaStore.QueryAuditLogAsync(QuotaAuditQuery query, CancellationToken cancellationToken) =>
        Reports.QueryAuditLogAsync(query, cancellationToken);

    Task<PagedResult<UserAssignment>> IQuotaStore.ListAssignmentsAsync(long profileId, int offset, int limit, CancellationToken cancellationToken) =>
        Reports.ListAssignmentsAsync(profileId, offset, limit, cancellationToken);

    Task<PagedResult<UserUsage>> IQuotaStore.GetUsageReportAsync(QuotaPeriod period, UsageSortOrder sortOrder, int offset, int limit, CancellationToken cancellationToken) =>
        Reports.GetUsageReportAsync(period, sortOrder, offset, limit, cancellationToken);

    Task<IReadOnlyList<PeriodUsageTotals>> IQuotaStore.GetPeriodTotalsAsync(CancellationToken cancellationToken) =>
        Reports.GetPeriodTotalsAsync(cancellationToken);

    Task<IReadOnlyList<ModelUsage>> IQuotaStore.GetModelUsageAsync(QuotaPeriod period, string? userId, bool totals, CancellationToken cancellationToken) =>
        Reports.GetModelUsageAsync(period, userId, totals, cancellationToken);

    Task<IReadOnlyList<UserUsage>> IQuotaStore.GetUserUsageHistoryAsync(string userId, CancellationToken cancellationToken) =>
        Reports.GetUserUsageHistoryAsync(userId, cancellationToken);
}
