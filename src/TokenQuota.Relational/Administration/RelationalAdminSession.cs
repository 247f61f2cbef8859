using Dapper;
using System.Data.Common;
using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>
/// The primitive reads and writes of one administrative transaction, written once for every SQL store. A store
/// supplies the bulk assignment steps, which each dialect runs its own fastest way.
/// </summary>
internal abstract class RelationalAdminSession(DbConnection connection, DbTransaction transaction, RelationalSql sql, DateTimeOffset now) : IQuotaAdminSession
{
    public DateTimeOffset Now { get; } = now;

    /// <summary>Gets whether the change wrote anything; only then does the store bump the configuration version.</summary>
    public bool HasWrites { get; private set; }

    protected long NowMs => Now.ToUnixTimeMilliseconds();

    public static async Task<IReadOnlyList<ConsumptionProfile>> ReadProfilesAsync(DbConnection connection, DbTransaction? transaction, RelationalSql sql, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ProfileRow>(new CommandDefinition(sql.SelectProfiles, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToProfile()).ToArray();
    }

    public static async Task<StoredRateLimitSettings> ReadRateLimitSettingsAsync(DbConnection connection, DbTransaction? transaction, RelationalSql sql, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<RateLimitSettingsRow>(new CommandDefinition(sql.SelectRateLimitSettings, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToStored();

    public Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default) =>
        ReadProfilesAsync(connection, transaction, sql, cancellationToken);

    public async Task<ConsumptionProfile?> GetProfileAsync(long profileId, CancellationToken cancellationToken = default)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(Read(sql.SelectProfile, new { id = profileId }, cancellationToken)).ConfigureAwait(false);
        return row?.ToProfile();
    }

    public async Task<long> InsertProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default)
    {
        var id = await connection.ExecuteScalarAsync<long>(Write(sql.InsertProfileFor(profile), sql.ProfileParameters(profile), cancellationToken)).ConfigureAwait(false);
        if (HasLimitsRow(profile))
        {
            await WriteLimitsAsync(profile with { Id = id }, cancellationToken).ConfigureAwait(false);
        }

        return id;
    }

    public async Task UpdateProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default)
    {
        await connection.ExecuteAsync(Write(sql.UpdateProfile, sql.ProfileParameters(profile), cancellationToken)).ConfigureAwait(false);
        await WriteLimitsAsync(profile, cancellationToken).ConfigureAwait(false);
    }

    // Only a profile with a calendar or limits of its own has a row: the others read as the default calendar and no extra limits.
    private static bool HasLimitsRow(ConsumptionProfile profile) =>
        profile.Limits.Count > 0 || profile.AnchorDay != 1 || profile.WeekStart != DayOfWeek.Monday || !string.Equals(profile.TimeZone, QuotaCalendar.UtcId, StringComparison.Ordinal);

    private Task WriteLimitsAsync(ConsumptionProfile profile, CancellationToken cancellationToken)
    {
        if (!HasLimitsRow(profile))
        {
            return connection.ExecuteAsync(Write(sql.DeleteProfileLimits, new { id = profile.Id }, cancellationToken));
        }

        var row = ProfileRow.From(profile);
        return connection.ExecuteAsync(Write(sql.UpsertProfileLimits, new { id = row.Id, timeZone = row.TimeZone, anchorDay = (int)row.AnchorDay, weekStart = (int)row.WeekStart, limits = row.Limits }, cancellationToken));
    }

    public Task DeleteProfileAsync(long profileId, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.DeleteProfile, new { id = profileId }, cancellationToken));

    public Task ClearDefaultAsync(CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.ClearDefault, null, cancellationToken));

    public async Task<long> MoveAssignmentsAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default) =>
        await connection.ExecuteAsync(Write(sql.MoveAssignments, new { from = fromProfileId, to = toProfileId, now = NowMs }, cancellationToken)).ConfigureAwait(false);

    public Task<long?> GetAssignmentAsync(string userId, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long?>(Read(sql.SelectAssignment, new { userId }, cancellationToken));

    public Task SetAssignmentAsync(string userId, long? profileId, CancellationToken cancellationToken = default) =>
        profileId is { } id
            ? connection.ExecuteAsync(Write(sql.UpsertAssignment, new { userId, profileId = id, now = NowMs }, cancellationToken))
            : connection.ExecuteAsync(Write(sql.DeleteAssignment, new { userId }, cancellationToken));

    public abstract Task SetAssignmentsAsync(IReadOnlyCollection<string> userIds, long? profileId, CancellationToken cancellationToken = default);

    public abstract Task<IReadOnlyList<string>> GetUnassignedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    public async Task<bool> MergeUsageAsync(
        string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset firstUsageAt, DateTimeOffset lastUsageAt,
        CancellationToken cancellationToken = default)
    {
        var parameters = UsageMergeRow.From(userId, period, inputTokens, outputTokens, firstUsageAt, lastUsageAt);
        // Only a merge that changed a row counts as a write: a repeated import must leave the configuration version alone.
        var changed = await connection.ExecuteAsync(Read(sql.MergeUsage, parameters, cancellationToken)).ConfigureAwait(false) > 0;
        HasWrites |= changed;
        return changed;
    }

    public async Task<IReadOnlyList<string>> GetKnownUnassignedUsersAsync(CancellationToken cancellationToken = default) =>
        (await connection.QueryAsync<string>(Read(sql.SelectKnownUnassignedUsers, null, cancellationToken)).ConfigureAwait(false)).ToArray();

    public Task<StoredRateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default) =>
        ReadRateLimitSettingsAsync(connection, transaction, sql, cancellationToken);

    public Task SetRateLimitSettingsAsync(RateLimitSettings settings, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.UpsertRateLimitSettings, RateLimitSettingsRow.Parameters(settings), cancellationToken));

    public static async Task<IReadOnlyList<ModelPrice>> ReadModelPricesAsync(DbConnection connection, DbTransaction? transaction, RelationalSql sql, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<ModelPriceRow>(new CommandDefinition(sql.SelectModelPrices, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToPrice())];

    public Task<IReadOnlyList<ModelPrice>> GetModelPricesAsync(CancellationToken cancellationToken = default) =>
        ReadModelPricesAsync(connection, transaction, sql, cancellationToken);

    public Task SetModelPriceAsync(ModelPrice price, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.UpsertModelPrice, ModelPriceRow.Parameters(price), cancellationToken));

    public Task RemoveModelPriceAsync(string model, DateTimeOffset effectiveFrom, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.DeleteModelPrice, new { model, effectiveFrom = effectiveFrom.ToUnixTimeMilliseconds() }, cancellationToken));

    public Task WriteAuditAsync(QuotaAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return connection.ExecuteAsync(Write(
            sql.InsertAudit,
            new { occurredAt = entry.OccurredAt.ToUnixTimeMilliseconds(), actor = entry.Actor, action = entry.Action, target = entry.Target, before = entry.Before, after = entry.After },
            cancellationToken));
    }

    public static async Task<IReadOnlyList<QuotaTeam>> ReadTeamsAsync(DbConnection connection, DbTransaction? transaction, RelationalSql sql, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<TeamRow>(new CommandDefinition(sql.Teams.SelectTeams, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToTeam())];

    public static async Task<IReadOnlyList<QuotaOrganisation>> ReadOrganisationsAsync(DbConnection connection, DbTransaction? transaction, RelationalSql sql, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<OrganisationRow>(new CommandDefinition(sql.Teams.SelectOrganisations, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToOrganisation())];

    public Task<IReadOnlyList<QuotaTeam>> GetTeamsAsync(CancellationToken cancellationToken = default) =>
        ReadTeamsAsync(connection, transaction, sql, cancellationToken);

    public Task<long> InsertTeamAsync(QuotaTeam team, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long>(Write(sql.Teams.InsertTeam, TeamRow.Parameters(team), cancellationToken));

    public Task UpdateTeamAsync(QuotaTeam team, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.Teams.UpdateTeam, TeamRow.Parameters(team), cancellationToken));

    public Task DeleteTeamAsync(long teamId, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.Teams.DeleteTeam, new { id = teamId }, cancellationToken));

    public Task<IReadOnlyList<QuotaOrganisation>> GetOrganisationsAsync(CancellationToken cancellationToken = default) =>
        ReadOrganisationsAsync(connection, transaction, sql, cancellationToken);

    public Task<long> InsertOrganisationAsync(QuotaOrganisation organisation, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long>(Write(sql.Teams.InsertOrganisation, OrganisationRow.Parameters(organisation), cancellationToken));

    public Task UpdateOrganisationAsync(QuotaOrganisation organisation, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.Teams.UpdateOrganisation, OrganisationRow.Parameters(organisation), cancellationToken));

    public Task DeleteOrganisationAsync(long organisationId, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(sql.Teams.DeleteOrganisation, new { id = organisationId }, cancellationToken));

    public Task<long?> GetTeamOfAsync(string userId, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long?>(Read(sql.Teams.SelectTeamOf, new { userId }, cancellationToken));

    public Task SetTeamOfAsync(string userId, long? teamId, CancellationToken cancellationToken = default) =>
        teamId is { } id
            ? connection.ExecuteAsync(Write(sql.Teams.UpsertTeamMember, new { userId, teamId = id, now = NowMs }, cancellationToken))
            : connection.ExecuteAsync(Write(sql.Teams.DeleteTeamMember, new { userId }, cancellationToken));

    public async Task<long> MoveSubjectProfilesAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default)
    {
        var parameters = new { from = fromProfileId, to = toProfileId };
        var teams = await connection.ExecuteAsync(Write(sql.Teams.MoveTeamProfiles, parameters, cancellationToken)).ConfigureAwait(false);
        return teams + await connection.ExecuteAsync(Write(sql.Teams.MoveOrganisationProfiles, parameters, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Notes that the change writes (a store's own bulk steps call it before they write).</summary>
    protected void MarkWritten() => HasWrites = true;

    protected CommandDefinition Read(string statement, object? parameters, CancellationToken cancellationToken) =>
        new(statement, parameters, transaction, cancellationToken: cancellationToken);

    protected CommandDefinition Write(string statement, object? parameters, CancellationToken cancellationToken)
    {
        HasWrites = true;
        return Read(statement, parameters, cancellationToken);
    }
}
