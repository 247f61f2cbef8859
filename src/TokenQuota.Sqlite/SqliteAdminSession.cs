using Microsoft.Data.Sqlite;
using TokenQuota.Relational;

namespace TokenQuota.Sqlite;

/// <summary>The primitive reads and writes of one administrative <c>BEGIN IMMEDIATE</c> transaction.</summary>
internal sealed class SqliteAdminSession : RelationalAdminSession
{
    private readonly SqliteConnection connection;
    private readonly SqliteTransaction transaction;

    public SqliteAdminSession(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
        : base(connection, transaction, SqliteDialect.Instance, now)
    {
        this.connection = connection;
        this.transaction = transaction;
    }

    public override async Task SetAssignmentsAsync(IReadOnlyCollection<string> userIds, long? profileId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        // One prepared command, re-bound per user, inside the admin transaction: 100,000 ids take well under a second.
        MarkWritten();
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

    public override async Task<IReadOnlyList<string>> GetUnassignedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
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
}
