using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// One long-lived connection and the hot path's statements, each prepared once on first use and then only rebound and
/// re-run: no per-call connection set-up, pragma round trip or statement compilation. Not thread-safe: one owner at a
/// time (the writer, or a reader rented from the pool).
/// </summary>
internal sealed class SqlitePreparedCommands : IDisposable
{
    private SqliteCommand? selectConfigVersion;
    private SqliteCommand? selectAssignment;
    private SqliteCommand? selectUsage;
    private SqliteCommand? addUsage;
    private SqliteCommand? selectRateWindows;
    private SqliteCommand? chargeRateWindow;
    private SqliteCommand? chargeTwoRateWindows;
    private SqliteCommand? purgeReservations;
    private SqliteCommand? insertReservation;
    private SqliteCommand? selectReservation;
    private SqliteCommand? markReservationCommitted;
    private SqliteCommand? releaseReservation;
    private SqliteCommand? begin;
    private SqliteCommand? commit;
    private SqliteCommand? rollback;
    private SqliteCommand? savepoint;
    private SqliteCommand? releaseSavepoint;
    private SqliteCommand? rollbackToSavepoint;

    public SqlitePreparedCommands(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Gets whether the connection is inside a transaction (SQLite's own autocommit flag, so an automatic rollback is seen too).</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    public long ReadConfigurationVersion()
    {
        var command = Prepare(ref selectConfigVersion, SqliteSql.SelectConfigVersion);
        return command.ExecuteScalar() is long version ? version : 0;
    }

    public long? ReadAssignedProfileId(string userId)
    {
        var command = Prepare(ref selectAssignment, SqliteSql.SelectAssignment, "@userId");
        command.Parameters[0].Value = userId;
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>Reads usage, live reservations and the configuration version in one statement.</summary>
    public TokenUsageTotals ReadUsage(string userId, string periodKey, long nowMs)
    {
        var command = Prepare(ref selectUsage, SqliteSql.SelectUsage, "@userId", "@period", "@now");
        command.Parameters[0].Value = userId;
        command.Parameters[1].Value = periodKey;
        command.Parameters[2].Value = nowMs;
        using var reader = command.ExecuteReader();
        reader.Read();
        return new TokenUsageTotals(reader.GetInt64(0), reader.GetInt64(1))
        {
            ReservedInputTokens = reader.GetInt64(2),
            ReservedOutputTokens = reader.GetInt64(3),
            ConfigurationVersion = reader.IsDBNull(4) ? 0 : reader.GetInt64(4),
        };
    }

    /// <summary>The atomic insert-or-add; <see langword="null"/> when the overflow guard refused it (nothing written).</summary>
    public TokenUsageTotals? AddUsage(string userId, string periodKey, long input, long output, long nowMs)
    {
        var command = Prepare(ref addUsage, SqliteSql.AddUsage, "@userId", "@period", "@input", "@output", "@now");
        command.Parameters[0].Value = userId;
        command.Parameters[1].Value = periodKey;
        command.Parameters[2].Value = input;
        command.Parameters[3].Value = output;
        command.Parameters[4].Value = nowMs;
        using var reader = command.ExecuteReader();
        return reader.Read() ? new TokenUsageTotals(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Reads the stored counts of <paramref name="windows"/> (zero for a window whose stored start differs).</summary>
    public int[] ReadRateWindowCounts(string userId, IReadOnlyList<RateWindowCharge> windows)
    {
        var command = Prepare(ref selectRateWindows, SqliteSql.SelectRateWindows, "@userId");
        command.Parameters[0].Value = userId;
        var counts = new int[windows.Count];
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var start = reader.GetInt64(1);
            for (var i = 0; i < windows.Count; i++)
            {
                if (windows[i].WindowStart == start && KeyEquals(reader, windows[i].Key))
                {
                    counts[i] = (int)reader.GetInt64(2);
                }
            }
        }

        return counts;
    }

    public void ChargeRateWindows(string userId, IReadOnlyList<RateWindowCharge> windows)
    {
        var i = 0;
        if (windows.Count >= 2)
        {
            var two = Prepare(ref chargeTwoRateWindows, SqliteSql.ChargeTwoRateWindows, "@userId", "@key", "@start", "@key2", "@start2");
            two.Parameters[0].Value = userId;
            two.Parameters[1].Value = windows[0].Key;
            two.Parameters[2].Value = windows[0].WindowStart;
            two.Parameters[3].Value = windows[1].Key;
            two.Parameters[4].Value = windows[1].WindowStart;
            two.ExecuteNonQuery();
            i = 2;
        }

        for (; i < windows.Count; i++)
        {
            var one = Prepare(ref chargeRateWindow, SqliteSql.ChargeRateWindow, "@userId", "@key", "@start");
            one.Parameters[0].Value = userId;
            one.Parameters[1].Value = windows[i].Key;
            one.Parameters[2].Value = windows[i].WindowStart;
            one.ExecuteNonQuery();
        }
    }

    public void PurgeReservations(string userId, long nowMs)
    {
        var command = Prepare(ref purgeReservations, SqliteSql.PurgeReservations, "@userId", "@now");
        command.Parameters[0].Value = userId;
        command.Parameters[1].Value = nowMs;
        command.ExecuteNonQuery();
    }

    public void InsertReservation(NewReservation reservation, long nowMs)
    {
        var command = Prepare(ref insertReservation, SqliteSql.InsertReservation, "@requestId", "@userId", "@period", "@input", "@output", "@now", "@expiresAt");
        command.Parameters[0].Value = reservation.RequestId;
        command.Parameters[1].Value = reservation.UserId;
        command.Parameters[2].Value = reservation.Period.Key;
        command.Parameters[3].Value = reservation.InputTokens;
        command.Parameters[4].Value = reservation.OutputTokens;
        command.Parameters[5].Value = nowMs;
        command.Parameters[6].Value = reservation.ExpiresAt.ToUnixTimeMilliseconds();
        command.ExecuteNonQuery();
    }

    /// <summary>Reads a reservation's owner, period, state and expiry, or <see langword="null"/> if it is not stored.</summary>
    public (string UserId, string Period, string State, long ExpiresAt)? ReadReservation(string requestId)
    {
        var command = Prepare(ref selectReservation, SqliteSql.SelectReservation, "@requestId");
        command.Parameters[0].Value = requestId;
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)) : null;
    }

    public void MarkReservationCommitted(string requestId, string userId, string periodKey, long input, long output, long nowMs)
    {
        var command = Prepare(ref markReservationCommitted, SqliteSql.MarkReservationCommitted, "@requestId", "@userId", "@period", "@input", "@output", "@now");
        command.Parameters[0].Value = requestId;
        command.Parameters[1].Value = userId;
        command.Parameters[2].Value = periodKey;
        command.Parameters[3].Value = input;
        command.Parameters[4].Value = output;
        command.Parameters[5].Value = nowMs;
        command.ExecuteNonQuery();
    }

    public bool ReleaseReservation(string requestId)
    {
        var command = Prepare(ref releaseReservation, SqliteSql.ReleaseReservation, "@requestId");
        command.Parameters[0].Value = requestId;
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>Begins a write transaction immediately (<c>BEGIN IMMEDIATE</c>), never upgraded from a read.</summary>
    public void BeginImmediate() => Prepare(ref begin, SqliteSql.BeginImmediate).ExecuteNonQuery();

    public void Commit() => Prepare(ref commit, SqliteSql.Commit).ExecuteNonQuery();

    /// <summary>Rolls back the open transaction, if SQLite has not already done so.</summary>
    public void Rollback()
    {
        if (InTransaction)
        {
            Prepare(ref rollback, SqliteSql.Rollback).ExecuteNonQuery();
        }
    }

    public void Savepoint() => Prepare(ref savepoint, SqliteSql.Savepoint).ExecuteNonQuery();

    public void ReleaseSavepoint() => Prepare(ref releaseSavepoint, SqliteSql.ReleaseSavepoint).ExecuteNonQuery();

    public void RollbackToSavepoint() => Prepare(ref rollbackToSavepoint, SqliteSql.RollbackToSavepoint).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in new[]
        {
            selectConfigVersion, selectAssignment, selectUsage, addUsage, selectRateWindows, chargeRateWindow, chargeTwoRateWindows,
            purgeReservations, insertReservation, selectReservation, markReservationCommitted, releaseReservation,
            begin, commit, rollback, savepoint, releaseSavepoint, rollbackToSavepoint,
        })
        {
            command?.Dispose();
        }

        Connection.Dispose();
    }

    private static bool KeyEquals(SqliteDataReader reader, string key) => string.Equals(reader.GetString(0), key, StringComparison.Ordinal);

    private SqliteCommand Prepare(ref SqliteCommand? field, string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (field is not null)
        {
            return field;
        }

        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        field = command;
        return command;
    }
}
