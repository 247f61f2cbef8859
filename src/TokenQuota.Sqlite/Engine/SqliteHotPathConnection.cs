using Microsoft.Data.Sqlite;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite;

/// <summary>
/// One long-lived connection and the hot path's statements, each prepared once on first use and then only rebound and
/// re-run: no per-call connection set-up, pragma round trip or statement compilation. Not thread-safe: one owner at a
/// time (the writer, or a reader rented from the pool).
/// </summary>
internal sealed partial class SqliteHotPathConnection : IDisposable
{
    private SqliteRawStatement? selectConfigVersion;
    private SqliteCommand? selectAssignment;
    private SqliteRawStatement? selectUsage;
    private SqliteRawStatement? addUsage;
    private SqliteRawStatement? addUsageReturningRowId;
    private SqliteRawStatement? addUsageByRowId;
    private SqliteUsageRowIdCache? usageRowIds;
    private SqliteRawStatement? selectRateWindows;
    private SqliteRawStatement? chargeRateWindow;
    private SqliteRawStatement? selectPromptWindows;
    private SqliteRawStatement? insertPromptWindows;
    private SqliteRawStatement? chargePromptWindows;
    private SqliteRawStatement? begin;
    private SqliteRawStatement? commit;
    private SqliteRawStatement? rollback;
    private SqliteRawStatement? savepoint;
    private SqliteRawStatement? releaseSavepoint;
    private SqliteRawStatement? rollbackToSavepoint;

    public SqliteHotPathConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Gets whether the connection is inside a transaction (SQLite's own autocommit flag, so an automatic rollback is seen too).</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    public long ReadConfigurationVersion()
    {
        var statement = Raw(ref selectConfigVersion, SqliteSql.SelectConfigVersion);
        try
        {
            return statement.Step() && !statement.IsNull(0) ? statement.Int64(0) : 0;
        }
        finally
        {
            statement.Reset();
        }
    }

    public long? ReadAssignedProfileId(string userId)
    {
        var command = Prepare(ref selectAssignment, SqliteSql.SelectAssignment, "@userId");
        command.Parameters[0].Value = userId;
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>Reads usage, live reservations and the configuration version in one statement.</summary>
    public TokenUsageTotals ReadUsage(string userId, string periodKey, long nowMs) => ReadUsage(userId, periodKey, nowMs, out _);

    /// <summary>Reads as <see cref="ReadUsage(string, string, long)"/> does, and whether the user has expired holds not yet purged.</summary>
    public TokenUsageTotals ReadUsage(string userId, string periodKey, long nowMs, out bool hasExpiredHolds)
    {
        var statement = Raw(ref selectUsage, SqliteSql.SelectUsage, "@userId", "@period", "@now");
        statement.Bind(1, userId);
        statement.Bind(2, periodKey);
        statement.Bind(3, nowMs);
        try
        {
            statement.Step();
            hasExpiredHolds = statement.Int64(5) > 0;
            return new TokenUsageTotals(statement.Int64(0), statement.Int64(1))
            {
                ReservedInputTokens = statement.Int64(2),
                ReservedOutputTokens = statement.Int64(3),
                ConfigurationVersion = statement.Int64(4),
            };
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>
    /// The atomic insert-or-add; <see langword="false"/> when the overflow guard refused it (no row changed, nothing
    /// written). A user's row of the period is updated by its remembered rowid (<see cref="SqliteUsageRowIdCache"/>); a user
    /// not remembered is inserted or added to by key, and inside a batch the rowid that statement returns is remembered
    /// while there is room. Every path is one atomic statement that adds in SQL.
    /// </summary>
    public bool AddUsage(string userId, string periodKey, long input, long output, long nowMs)
    {
        usageRowIds ??= new SqliteUsageRowIdCache();
        if (usageRowIds.TryGet(userId, periodKey, out var rowId))
        {
            var update = BindUsage(Raw(ref addUsageByRowId, SqliteSql.AddUsageByRowId, "?1", "?2", "?3", "?4", "?5", "?6"), userId, periodKey, input, output, nowMs);
            update.Bind(6, rowId);
            if (update.Execute() == 1)
            {
                return true;
            }

            // The row is not (or no longer) the user's row of the period, or the guard refused: decide by key.
            usageRowIds.Forget(userId);
        }

        // Learn the rowid inside a group-commit batch, where the statements are what a record costs; a write alone in
        // autocommit is dominated by its own commit, and there RETURNING costs more than the rowid saves.
        var learn = InTransaction && usageRowIds.HasRoomFor(periodKey);
        var statement = BindUsage(
            learn
                ? Raw(ref addUsageReturningRowId, SqliteSql.AddUsageReturningRowId, "@userId", "@period", "@input", "@output", "@now")
                : Raw(ref addUsage, SqliteSql.AddUsage, "@userId", "@period", "@input", "@output", "@now"),
            userId,
            periodKey,
            input,
            output,
            nowMs);
        if (!learn)
        {
            return statement.Execute() == 1;
        }

        try
        {
            if (!statement.Step())
            {
                return false;
            }

            usageRowIds.Remember(userId, periodKey, statement.Int64(0));
            while (statement.Step())
            {
            }

            return true;
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>
    /// Reads the stored counts of <paramref name="windows"/> (zero for a window whose stored start differs), whether the
    /// user's prompt row exists (<paramref name="promptRowStored"/>), and the configuration version, in one statement per
    /// table. The prompt windows (<see cref="RateLimitWindow.PromptsPerHour"/>,
    /// <see cref="RateLimitWindow.PromptsPerDay"/>) are read from the user's prompt row; any other window from the table of
    /// windows by key.
    /// </summary>
    public int[] ReadRateWindowCounts(string userId, IReadOnlyList<RateWindowCharge> windows, out long configurationVersion, out bool promptRowStored)
    {
        configurationVersion = 0;
        promptRowStored = false;
        var counts = new int[windows.Count];
        Span<int> others = windows.Count <= 16 ? stackalloc int[windows.Count] : new int[windows.Count];
        var otherCount = 0;
        var hasPromptWindow = false;
        for (var i = 0; i < windows.Count; i++)
        {
            if (!IsPromptWindow(windows[i].Window))
            {
                others[otherCount++] = i;
            }
            else
            {
                hasPromptWindow = true;
            }
        }

        if (hasPromptWindow)
        {
            promptRowStored = ReadPromptWindowCounts(userId, windows, counts, ref configurationVersion);
        }

        var statement = Raw(ref selectRateWindows, SqliteSql.SelectTwoRateWindows, "?1", "?2", "?3");
        for (var pair = 0; pair < otherCount; pair += 2)
        {
            // Two windows per step; an odd last window is passed twice.
            var first = others[pair];
            var second = others[Math.Min(pair + 1, otherCount - 1)];
            statement.Bind(1, userId);
            statement.Bind(2, RateWindows.StoredKey(windows[first].Window));
            statement.Bind(3, RateWindows.StoredKey(windows[second].Window));
            try
            {
                while (statement.Step())
                {
                    var which = statement.Int64(0);
                    if (which == SqliteRowTag.ConfigurationVersion)
                    {
                        configurationVersion = statement.Int64(1);
                        continue;
                    }

                    if (which == SqliteRowTag.OtherWindow)
                    {
                        continue;
                    }

                    var i = which == SqliteRowTag.FirstWindow ? first : second;
                    if (windows[i].WindowStart == statement.Int64(1))
                    {
                        counts[i] = (int)statement.Int64(2);
                    }
                }
            }
            finally
            {
                statement.Reset();
            }
        }

        return counts;
    }

    /// <summary>
    /// Charges each window; the caller's transaction makes the charges atomic. The prompt windows of the request are
    /// charged together by one single-row update of the user's prompt row (created first unless
    /// <paramref name="promptRowStored"/>, read by <see cref="ReadRateWindowCounts"/> in the same transaction); any other
    /// window by its own single-row insert-or-update. One row per statement: a multi-row write opens a statement journal
    /// inside a transaction.
    /// </summary>
    public void ChargeRateWindows(string userId, IReadOnlyList<RateWindowCharge> windows, bool promptRowStored)
    {
        long? hourStart = null;
        long? dayStart = null;
        for (var i = 0; i < windows.Count; i++)
        {
            switch (windows[i].Window)
            {
                case RateLimitWindow.PromptsPerHour:
                    hourStart = windows[i].WindowStart;
                    continue;
                case RateLimitWindow.PromptsPerDay:
                    dayStart = windows[i].WindowStart;
                    continue;
            }

            var one = Raw(ref chargeRateWindow, SqliteSql.ChargeRateWindow, "@userId", "@key", "@start");
            one.Bind(1, userId);
            one.Bind(2, RateWindows.StoredKey(windows[i].Window));
            one.Bind(3, windows[i].WindowStart);
            one.Execute();
        }

        if (hourStart is null && dayStart is null)
        {
            return;
        }

        if (!promptRowStored)
        {
            var create = Raw(ref insertPromptWindows, SqliteSql.InsertPromptWindows, "?1");
            create.Bind(1, userId);
            create.Execute();
        }

        var charge = Raw(ref chargePromptWindows, SqliteSql.ChargePromptWindows, "?1", "?2", "?3");
        charge.Bind(1, userId);
        charge.Bind(2, hourStart);
        charge.Bind(3, dayStart);
        charge.Execute();
    }

    /// <summary>Begins a write transaction immediately (<c>BEGIN IMMEDIATE</c>), never upgraded from a read.</summary>
    public void BeginImmediate() => Raw(ref begin, SqliteSql.BeginImmediate).Execute();

    public void Commit() => Raw(ref commit, SqliteSql.Commit).Execute();

    /// <summary>Rolls back the open transaction, if SQLite has not already done so.</summary>
    public void Rollback()
    {
        if (InTransaction)
        {
            Raw(ref rollback, SqliteSql.Rollback).Execute();
        }
    }

    public void Savepoint() => Raw(ref savepoint, SqliteSql.Savepoint).Execute();

    public void ReleaseSavepoint() => Raw(ref releaseSavepoint, SqliteSql.ReleaseSavepoint).Execute();

    /// <summary>Undoes the work since <see cref="Savepoint"/> and closes the savepoint.</summary>
    public void RollbackToSavepoint()
    {
        Raw(ref rollbackToSavepoint, SqliteSql.RollbackToSavepoint).Execute();
        ReleaseSavepoint();
    }

    public void Dispose()
    {
        selectAssignment?.Dispose();

        foreach (var statement in new[]
        {
            selectConfigVersion, selectUsage, addUsage, addUsageReturningRowId, addUsageByRowId, selectRateWindows, chargeRateWindow,
            selectPromptWindows, insertPromptWindows, chargePromptWindows,
            takeBackExpiredHolds, deleteExpiredHolds, insertReservation, addReserved, takeBackReserved, selectReservation,
            markReservationCommitted, takeBackHold, deleteHold, purgeCommittedReservations,
            selectLimitCounter, upsertLimitCounter, selectLiveLimitHolds, purgeLimitHolds, insertLimitHolds,
            begin, commit, rollback, savepoint, releaseSavepoint, rollbackToSavepoint,
        })
        {
            statement?.Dispose();
        }

        Connection.Dispose();
    }

    /// <summary>Binds a usage addition's parameters 1–5 (user, period, input, output, time), shared by its statements.</summary>
    private static SqliteRawStatement BindUsage(SqliteRawStatement statement, string userId, string periodKey, long input, long output, long nowMs)
    {
        statement.Bind(1, userId);
        statement.Bind(2, periodKey);
        statement.Bind(3, input);
        statement.Bind(4, output);
        statement.Bind(5, nowMs);
        return statement;
    }

    /// <summary>Whether the window lives in the user's prompt row rather than in the table of windows by key.</summary>
    private static bool IsPromptWindow(RateLimitWindow window) =>
        window is RateLimitWindow.PromptsPerHour or RateLimitWindow.PromptsPerDay;

    /// <summary>
    /// Reads the user's prompt row into the counts of the request's prompt windows, and the configuration version;
    /// returns whether the row exists.
    /// </summary>
    private bool ReadPromptWindowCounts(string userId, IReadOnlyList<RateWindowCharge> windows, int[] counts, ref long configurationVersion)
    {
        var stored = false;
        var statement = Raw(ref selectPromptWindows, SqliteSql.SelectPromptWindows, "?1");
        statement.Bind(1, userId);
        try
        {
            while (statement.Step())
            {
                if (statement.Int64(0) == SqliteRowTag.ConfigurationVersion)
                {
                    configurationVersion = statement.Int64(1);
                    continue;
                }

                stored = true;
                for (var i = 0; i < windows.Count; i++)
                {
                    // Columns 1 and 2: the hourly window's start and count; 3 and 4: the daily window's.
                    int? column = windows[i].Window switch
                    {
                        RateLimitWindow.PromptsPerHour => 1,
                        RateLimitWindow.PromptsPerDay => 3,
                        _ => null,
                    };
                    if (column is { } start && windows[i].WindowStart == statement.Int64(start))
                    {
                        counts[i] = (int)statement.Int64(start + 1);
                    }
                }
            }
        }
        finally
        {
            statement.Reset();
        }

        return stored;
    }

    private SqliteRawStatement Raw(ref SqliteRawStatement? field, string sql, params ReadOnlySpan<string> parameterNames) =>
        field ??= new SqliteRawStatement(Connection, sql, parameterNames);

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
