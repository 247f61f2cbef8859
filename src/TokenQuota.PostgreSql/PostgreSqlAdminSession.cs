using Dapper;
using Npgsql;
using TokenQuota.Relational;

namespace TokenQuota.PostgreSql;

/// <summary>The primitive reads and writes of one administrative transaction (serialised by an advisory lock).</summary>
internal sealed class PostgreSqlAdminSession : RelationalAdminSession
{
    private readonly NpgsqlConnection connection;
    private readonly PostgreSqlStatements sql;

    public PostgreSqlAdminSession(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgreSqlStatements sql, DateTimeOffset now)
        : base(connection, transaction, sql, now)
    {
        this.connection = connection;
        this.sql = sql;
    }

    /// <summary>One statement over an array parameter: 100,000 ids in a single round trip.</summary>
    public override Task SetAssignmentsAsync(IReadOnlyCollection<string> userIds, long? profileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds as string[] ?? [.. userIds];
        return profileId is { } id
            ? connection.ExecuteAsync(Write(sql.UpsertAssignments, new { userIds = ids, profileId = id, now = NowMs }, cancellationToken))
            : connection.ExecuteAsync(Write(sql.DeleteAssignments, new { userIds = ids }, cancellationToken));
    }

    /// <summary>One query over an array parameter, not a round trip per id.</summary>
    public override async Task<IReadOnlyList<string>> GetUnassignedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds as string[] ?? [.. userIds];
        return (await connection.QueryAsync<string>(Read(sql.SelectUnassigned, new { userIds = ids }, cancellationToken)).ConfigureAwait(false)).ToArray();
    }
}
