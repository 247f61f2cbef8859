using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite;

// The reservation statements of the writer connection: holds, their reserved totals, commits and retention.
internal sealed partial class SqliteHotPathConnection
{
    private SqliteRawStatement? takeBackExpiredHolds;
    private SqliteRawStatement? deleteExpiredHolds;
    private SqliteRawStatement? insertReservation;
    private SqliteRawStatement? addReserved;
    private SqliteRawStatement? takeBackReserved;
    private SqliteRawStatement? selectReservation;
    private SqliteRawStatement? markReservationCommitted;
    private SqliteRawStatement? takeBackHold;
    private SqliteRawStatement? deleteHold;
    private SqliteRawStatement? purgeCommittedReservations;
    private SqliteRawStatement? selectUsersWithExpiredHolds;

    /// <summary>Lazy TTL: forgets the user's expired holds and takes their estimates back from the reserved totals.</summary>
    /// <returns>The number of holds forgotten.</returns>
    public int PurgeExpiredHolds(string userId, long nowMs)
    {
        var takeBack = Raw(ref takeBackExpiredHolds, SqliteSql.TakeBackExpiredHolds, "@userId", "@now");
        takeBack.Bind(1, userId);
        takeBack.Bind(2, nowMs);
        takeBack.Execute();
        var delete = Raw(ref deleteExpiredHolds, SqliteSql.DeleteExpiredHolds, "@userId", "@now");
        delete.Bind(1, userId);
        delete.Bind(2, nowMs);
        return delete.Execute();
    }

    /// <summary>The background sweep: forgets the expired holds of up to <paramref name="limit"/> users, as each one's own reservation would.</summary>
    public ExpiredHoldsSweep SweepExpiredHolds(long nowMs, int limit)
    {
        var select = Raw(ref selectUsersWithExpiredHolds, SqliteSql.SelectUsersWithExpiredHolds, "@now", "@limit");
        select.Bind(1, nowMs);
        select.Bind(2, limit);
        var users = new List<string>();
        try
        {
            while (select.Step())
            {
                users.Add(select.Text(0));
            }
        }
        finally
        {
            select.Reset();
        }

        var holds = 0;
        foreach (var userId in users)
        {
            holds += PurgeExpiredHolds(userId, nowMs);
        }

        return new ExpiredHoldsSweep(users.Count, holds);
    }

    /// <summary>Stores a new hold and adds its estimate to the user's reserved total.</summary>
    /// <returns><see langword="false"/> when the request id is already in use (nothing written).</returns>
    public bool InsertReservation(NewReservation reservation, long nowMs)
    {
        var statement = Raw(ref insertReservation, SqliteSql.InsertReservation, "@requestId", "@userId", "@period", "@input", "@output", "@now", "@expiresAt");
        statement.Bind(1, reservation.RequestId);
        statement.Bind(2, reservation.UserId);
        statement.Bind(3, reservation.Period.Key);
        statement.Bind(4, reservation.InputTokens);
        statement.Bind(5, reservation.OutputTokens);
        statement.Bind(6, nowMs);
        statement.Bind(7, reservation.ExpiresAt.ToUnixTimeMilliseconds());
        if (statement.Execute() == 0)
        {
            return false;
        }

        BindReserved(Raw(ref addReserved, SqliteSql.AddReserved, "?1", "?2", "?3", "?4"), reservation.UserId, reservation.Period.Key, reservation.InputTokens, reservation.OutputTokens)
            .Execute();
        return true;
    }

    /// <summary>Reads a reservation, or <see langword="null"/> if it is not stored.</summary>
    public StoredReservation? ReadReservation(string requestId)
    {
        var statement = Raw(ref selectReservation, SqliteSql.SelectReservation, "@requestId");
        statement.Bind(1, requestId);
        try
        {
            return statement.Step()
                ? new StoredReservation(statement.Text(0), statement.Text(1), statement.Text(2) == StoredReservation.HeldState, statement.Int64(3), statement.Int64(4), statement.Int64(5))
                : null;
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>Takes a hold's estimate back from its user's reserved total (the hold is being committed or released).</summary>
    public void TakeBackReserved(StoredReservation hold) =>
        BindReserved(Raw(ref takeBackReserved, SqliteSql.TakeBackReserved, "?1", "?2", "?3", "?4"), hold.UserId, hold.Period, hold.InputTokens, hold.OutputTokens)
            .Execute();

    public void MarkReservationCommitted(string requestId, string userId, string periodKey, long input, long output, long nowMs)
    {
        var statement = Raw(ref markReservationCommitted, SqliteSql.MarkReservationCommitted, "@requestId", "@userId", "@period", "@input", "@output", "@now");
        statement.Bind(1, requestId);
        statement.Bind(2, userId);
        statement.Bind(3, periodKey);
        statement.Bind(4, input);
        statement.Bind(5, output);
        statement.Bind(6, nowMs);
        statement.Execute();
    }

    /// <summary>Releases a held reservation: takes its estimate back from the reserved total and forgets it.</summary>
    /// <returns><see langword="true"/> when a held reservation was released.</returns>
    public bool ReleaseHold(string requestId)
    {
        var takeBack = Raw(ref takeBackHold, SqliteSql.TakeBackHold, "?1");
        takeBack.Bind(1, requestId);
        takeBack.Execute();
        var delete = Raw(ref deleteHold, SqliteSql.DeleteHold, "?1");
        delete.Bind(1, requestId);
        return delete.Execute() > 0;
    }

    /// <summary>Retention: forgets up to <paramref name="limit"/> reservations committed at or before <paramref name="cutoffMs"/>.</summary>
    public int PurgeCommittedReservations(long cutoffMs, int limit)
    {
        var statement = Raw(ref purgeCommittedReservations, SqliteSql.PurgeCommittedReservations, "@cutoff", "@limit");
        statement.Bind(1, cutoffMs);
        statement.Bind(2, limit);
        return statement.Execute();
    }

    /// <summary>Binds a reserved-total change's parameters 1–4 (user, period, input, output), shared by its statements.</summary>
    private static SqliteRawStatement BindReserved(SqliteRawStatement statement, string userId, string periodKey, long input, long output)
    {
        statement.Bind(1, userId);
        statement.Bind(2, periodKey);
        statement.Bind(3, input);
        statement.Bind(4, output);
        return statement;
    }
}
