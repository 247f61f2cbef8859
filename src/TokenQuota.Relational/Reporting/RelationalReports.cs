using Dapper;
using System.Globalization;
using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>The read-only report, audit and assignment queries of <see cref="IQuotaStore"/>, for every SQL store.</summary>
internal sealed class RelationalReports(IRelationalConnections connections, RelationalSql sql)
{
    public Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new
        {
            from = query.From?.ToUnixTimeMilliseconds(),
            to = query.To?.ToUnixTimeMilliseconds(),
            actor = query.Actor,
            action = query.Action,
            target = query.Target,
            offset = query.Offset,
            limit = query.Limit,
        };
        return connections.RunAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>(Command(sql.CountAudit, parameters, cancellationToken)).ConfigureAwait(false);
            var rows = await c.QueryAsync<AuditRow>(Command(sql.SelectAuditPage, parameters, cancellationToken)).ConfigureAwait(false);
            return new PagedResult<QuotaAuditEntry>(rows.Select(r => r.ToEntry()).ToArray(), total, query.Offset, query.Limit);
        }, cancellationToken);
    }

    public Task<PagedResult<UserAssignment>> ListAssignmentsAsync(long profileId, int offset, int limit, CancellationToken cancellationToken) =>
        connections.RunAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>(Command(sql.CountAssignments, new { profileId }, cancellationToken)).ConfigureAwait(false);
            var rows = await c.QueryAsync<AssignmentRow>(Command(sql.SelectAssignmentsPage, new { profileId, offset, limit }, cancellationToken)).ConfigureAwait(false);
            return new PagedResult<UserAssignment>(rows.Select(r => r.ToAssignment()).ToArray(), total, offset, limit);
        }, cancellationToken);

    public Task<PagedResult<TeamMember>> ListTeamMembersAsync(long teamId, int offset, int limit, CancellationToken cancellationToken) =>
        connections.RunAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>(Command(sql.Teams.CountTeamMembers, new { teamId }, cancellationToken)).ConfigureAwait(false);
            var rows = await c.QueryAsync<TeamMemberRow>(Command(sql.Teams.SelectTeamMembersPage, new { teamId, offset, limit }, cancellationToken)).ConfigureAwait(false);
            return new PagedResult<TeamMember>(rows.Select(r => r.ToMember()).ToArray(), total, offset, limit);
        }, cancellationToken);

    public Task<PagedResult<UserUsage>> GetUsageReportAsync(QuotaPeriod period, UsageSortOrder sortOrder, int offset, int limit, CancellationToken cancellationToken)
    {
        var page = string.Format(CultureInfo.InvariantCulture, sql.SelectUsagePage, sql.UsageOrderBy(sortOrder));
        return connections.RunAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>(Command(sql.CountUsage, new { period = period.Key }, cancellationToken)).ConfigureAwait(false);
            var rows = await c.QueryAsync<UserUsageRow>(Command(page, new { period = period.Key, offset, limit }, cancellationToken)).ConfigureAwait(false);
            return new PagedResult<UserUsage>(rows.Select(r => r.ToUsage()).ToArray(), total, offset, limit);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PeriodUsageTotals>> GetPeriodTotalsAsync(CancellationToken cancellationToken) =>
        connections.RunAsync<IReadOnlyList<PeriodUsageTotals>>(
            async c => (await c.QueryAsync<PeriodTotalsRow>(Command(sql.SelectPeriodTotals, null, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToTotals()).ToArray(),
            cancellationToken);

    public Task<IReadOnlyList<UserUsage>> GetUserUsageHistoryAsync(string userId, CancellationToken cancellationToken) =>
        connections.RunAsync<IReadOnlyList<UserUsage>>(
            async c => (await c.QueryAsync<UserUsageRow>(Command(sql.SelectUserHistory, new { userId }, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToUsage()).ToArray(),
            cancellationToken);

    public Task<IReadOnlyList<ModelUsage>> GetModelUsageAsync(QuotaPeriod period, string? userId, bool totals, CancellationToken cancellationToken) =>
        connections.RunAsync<IReadOnlyList<ModelUsage>>(
            async c => (await c.QueryAsync<ModelUsageRow>(Command(totals ? sql.SelectModelTotals : userId is null ? sql.SelectModelUsage : sql.SelectUserModelUsage, new { period = period.Key, userId }, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToUsage()).ToArray(),
            cancellationToken);

    private static CommandDefinition Command(string statement, object? parameters, CancellationToken cancellationToken) =>
        new(statement, parameters, cancellationToken: cancellationToken);
}
