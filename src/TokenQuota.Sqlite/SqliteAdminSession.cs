using Dapper;
using Microsoft.Data.Sqlite;
using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite;

/// <summary>The primitive reads and writes of one administrative <c>BEGIN IMMEDIATE</c> transaction.</summary>
internal sealed class SqliteAdminSession(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now) : IQuotaAdminSession
{
    public DateTimeOffset Now { get; } = now;

    /// <summary>Gets whether the change wrote anything; only then does the store bump the configuration version.</summary>
    public bool HasWrites { get; private set; }

    private long NowMs => Now.ToUnixTimeMilliseconds();

    public static async Task<IReadOnlyList<ConsumptionProfile>> ReadProfilesAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ProfileRow>(new CommandDefinition(SqliteSql.SelectProfiles, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToProfile()).ToArray();
    }

    public Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default) =>
        ReadProfilesAsync(connection, transaction, cancellationToken);

    public async Task<ConsumptionProfile?> GetProfileAsync(long profileId, CancellationToken cancellationToken = default)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(Command(SqliteSql.SelectProfile, new { id = profileId }, cancellationToken)).ConfigureAwait(false);
        return row?.ToProfile();
    }

    public Task<long> InsertProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long>(Write(SqliteSql.InsertProfile, ProfileRow.From(profile), cancellationToken));

    public Task UpdateProfileAsync(ConsumptionProfile profile, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(SqliteSql.UpdateProfile, ProfileRow.From(profile), cancellationToken));

    public Task DeleteProfileAsync(long profileId, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(SqliteSql.DeleteProfile, new { id = profileId }, cancellationToken));

    public Task ClearDefaultAsync(CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(SqliteSql.ClearDefault, null, cancellationToken));

    public async Task<long> MoveAssignmentsAsync(long fromProfileId, long toProfileId, CancellationToken cancellationToken = default) =>
        await connection.ExecuteAsync(Write(SqliteSql.MoveAssignments, new { from = fromProfileId, to = toProfileId, now = NowMs }, cancellationToken)).ConfigureAwait(false);

    public Task<long?> GetAssignmentAsync(string userId, CancellationToken cancellationToken = default) =>
        connection.ExecuteScalarAsync<long?>(Command(SqliteSql.SelectAssignment, new { userId }, cancellationToken));

    public Task SetAssignmentAsync(string userId, long? profileId, CancellationToken cancellationToken = default) =>
        profileId is { } id
            ? connection.ExecuteAsync(Write(SqliteSql.UpsertAssignment, new { userId, profileId = id, now = NowMs }, cancellationToken))
            : connection.ExecuteAsync(Write(SqliteSql.DeleteAssignment, new { userId }, cancellationToken));

    public async Task SetAssignmentsAsync(IReadOnlyCollection<string> userIds, long? profileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        // One prepared command, re-bound per user, inside the admin transaction: 100,000 ids take well under a second.
        HasWrites = true;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = profileId is null ? SqliteSql.DeleteAssignment : SqliteSql.UpsertAssignment;
        var user = command.Parameters.Add("@userId", SqliteType.Text);
        if (profileId is { } id)
        {
            command.Parameters.AddWithValue("@profileId", id);
            command.Parameters.AddWithValue("@now", NowMs);
        }

        command.Prepare();
        foreach (var userId in userIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            user.Value = userId;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> MergeUsageAsync(
        string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset firstUsageAt, DateTimeOffset lastUsageAt,
        CancellationToken cancellationToken = default)
    {
        var parameters = UsageMergeRow.From(userId, period, inputTokens, outputTokens, firstUsageAt, lastUsageAt);
        // Only a merge that changed a row counts as a write: a repeated import must leave the configuration version alone.
        var changed = await connection.ExecuteAsync(Command(SqliteSql.MergeUsage, parameters, cancellationToken)).ConfigureAwait(false) > 0;
        HasWrites |= changed;
        return changed;
    }

    public async Task<IReadOnlyList<string>> GetUnassignedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        // One prepared command, re-bound per user, as in SetAssignmentsAsync: a directory of 100,000 users stays cheap.
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteSql.SelectAssignment;
        var user = command.Parameters.Add("@userId", SqliteType.Text);
        command.Prepare();
        var unassigned = new List<string>();
        foreach (var userId in userIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            user.Value = userId;
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null or DBNull)
            {
                unassigned.Add(userId);
            }
        }

        return unassigned;
    }

    public async Task<IReadOnlyList<string>> GetKnownUnassignedUsersAsync(CancellationToken cancellationToken = default) =>
        (await connection.QueryAsync<string>(Command(SqliteSql.SelectKnownUnassignedUsers, null, cancellationToken)).ConfigureAwait(false)).ToArray();

    public static async Task<StoredRateLimitSettings> ReadRateLimitSettingsAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<RateLimitSettingsRow>(new CommandDefinition(SqliteSql.SelectRateLimitSettings, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToStored();

    public Task<StoredRateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken = default) =>
        ReadRateLimitSettingsAsync(connection, transaction, cancellationToken);

    public Task SetRateLimitSettingsAsync(RateLimitSettings settings, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(Write(SqliteSql.UpsertRateLimitSettings, RateLimitSettingsRow.Parameters(settings), cancellationToken));

    public Task WriteAuditAsync(QuotaAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return connection.ExecuteAsync(Write(
            SqliteSql.InsertAudit,
            new { occurredAt = entry.OccurredAt.ToUnixTimeMilliseconds(), actor = entry.Actor, action = entry.Action, target = entry.Target, before = entry.Before, after = entry.After },
            cancellationToken));
    }

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    private CommandDefinition Write(string sql, object? parameters, CancellationToken cancellationToken)
    {
        HasWrites = true;
        return Command(sql, parameters, cancellationToken);
    }
}
