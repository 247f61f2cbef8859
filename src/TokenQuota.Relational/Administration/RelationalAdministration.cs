using Dapper;
using System.Data.Common;
using TokenQuota.Storage;

namespace TokenQuota.Relational;

/// <summary>
/// The administrative side of <see cref="IQuotaStore"/> for every SQL store: each change one transaction, together with
/// its audit entry, that bumps the configuration version when it wrote anything; and the reads of profiles and settings.
/// </summary>
internal sealed class RelationalAdministration(IRelationalConnections connections, RelationalSql sql, TimeProvider timeProvider)
{
    public Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken) =>
        connections.RunAsync(c => RelationalAdminSession.ReadProfilesAsync(c, null, sql, cancellationToken), cancellationToken);

    public Task<StoredRateLimitSettings> GetRateLimitSettingsAsync(CancellationToken cancellationToken) =>
        connections.RunAsync(c => RelationalAdminSession.ReadRateLimitSettingsAsync(c, null, sql, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ModelPrice>> GetModelPricesAsync(CancellationToken cancellationToken) =>
        connections.RunAsync(c => RelationalAdminSession.ReadModelPricesAsync(c, null, sql, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<QuotaTeam>> GetTeamsAsync(CancellationToken cancellationToken) =>
        connections.RunAsync(c => RelationalAdminSession.ReadTeamsAsync(c, null, sql, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<QuotaOrganisation>> GetOrganisationsAsync(CancellationToken cancellationToken) =>
        connections.RunAsync(c => RelationalAdminSession.ReadOrganisationsAsync(c, null, sql, cancellationToken), cancellationToken);

    public Task<long?> GetTeamIdAsync(string userId, CancellationToken cancellationToken) =>
        connections.RunAsync(c => c.ExecuteScalarAsync<long?>(new CommandDefinition(sql.Teams.SelectTeamOf, new { userId }, cancellationToken: cancellationToken)), cancellationToken);

    public Task<T> ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return connections.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (sql.LockAdmin is { } lockAdmin)
            {
                await connection.ExecuteAsync(Command(lockAdmin, transaction, cancellationToken)).ConfigureAwait(false);
            }

            var session = connections.CreateAdminSession(connection, transaction, timeProvider.GetUtcNow());
            var result = await change(session, cancellationToken).ConfigureAwait(false);
            if (session.HasWrites)
            {
                await connection.ExecuteAsync(Command(sql.IncrementConfigVersion, transaction, cancellationToken)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);
    }

    private static CommandDefinition Command(string statement, DbTransaction transaction, CancellationToken cancellationToken) =>
        new(statement, transaction: transaction, cancellationToken: cancellationToken);
}
