using TokenQuota.Storage;

namespace TokenQuota.Sqlite;

// The extra-limit statements: counters and the holds of live reservations, prepared once like the other hot-path ones.
internal sealed partial class SqliteHotPathConnection
{
    private SqliteRawStatement? selectLimitCounter;
    private SqliteRawStatement? upsertLimitCounter;
    private SqliteRawStatement? selectLiveLimitHolds;
    private SqliteRawStatement? purgeLimitHolds;
    private SqliteRawStatement? insertLimitHolds;
    private SqliteRawStatement? upsertModelUsage;
    private SqliteRawStatement? selectModelCost;
    private SqliteRawStatement? selectLiveSubjectHolds;
    private SqliteRawStatement? purgeSubjectHolds;
    private SqliteRawStatement? insertSubjectHold;

    /// <summary>Reads the user's counters among <paramref name="keys"/> and the shared ones of <paramref name="shared"/> (a key never charged has none).</summary>
    public List<StoredLimitCounter> ReadLimitCounters(string userId, IReadOnlyList<string> keys, IReadOnlyList<SharedCounterKey> shared)
    {
        var counters = new List<StoredLimitCounter>(keys.Count + shared.Count);
        foreach (var key in keys)
        {
            ReadLimitCounter(userId, key, null, counters);
        }

        foreach (var (subject, key) in shared)
        {
            ReadLimitCounter(subject, key, subject, counters);
        }

        return counters;
    }

    private void ReadLimitCounter(string owner, string key, string? subject, List<StoredLimitCounter> counters)
    {
        var statement = Raw(ref selectLimitCounter, SqliteSql.SelectLimitCounter, "@userId", "@key");
        statement.Bind(1, owner);
        statement.Bind(2, key);
        try
        {
            if (statement.Step())
            {
                counters.Add(new StoredLimitCounter(key, statement.Int64(0), statement.Int64(1), statement.Int64(2), statement.IsNull(3) ? null : statement.Text(3)) { Subject = subject });
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>Reads the counters of <paramref name="update"/> and writes what the core returns; false when it refused (nothing written).</summary>
    public bool ApplyLimitCounters(string userId, LimitCounterUpdate update) =>
        PrepareLimitCounters(userId, update) is { } rows && WriteLimitCounters(userId, update, rows);

    /// <summary>
    /// Reads what <paramref name="update"/> needs and decides, writing nothing: the counter rows to write, or
    /// <see langword="null"/> when the core refused or the cost by model would overflow.
    /// </summary>
    public IReadOnlyList<StoredLimitCounter>? PrepareLimitCounters(string userId, LimitCounterUpdate update)
    {
        if (update.Apply(ReadLimitCounters(userId, update.Keys, update.SharedKeys)) is not { } rows)
        {
            return null;
        }

        // The usage-by-model tokens are a part of the user's monthly totals, whose write checks them; only the cost can
        // overflow on its own, and only when this call costs something.
        return update.Usage is { CostNanoUnits: > 0 } usage && ReadModelCost(userId, usage) > long.MaxValue - usage.CostNanoUnits ? null : rows;
    }

    /// <summary>Writes the counter rows <see cref="PrepareLimitCounters"/> decided, and the usage by model; always true.</summary>
    public bool WriteLimitCounters(string userId, LimitCounterUpdate update, IReadOnlyList<StoredLimitCounter> rows)
    {
        var upsert = Raw(ref upsertLimitCounter, SqliteSql.UpsertLimitCounter, "@UserId", "@Key", "@WindowStart", "@WindowEnd", "@Count", "@State");
        foreach (var row in rows)
        {
            upsert.Bind(1, row.Subject ?? userId);
            upsert.Bind(2, row.Key);
            upsert.Bind(3, row.WindowStart);
            upsert.Bind(4, row.WindowEnd);
            upsert.Bind(5, row.Count);
            upsert.BindText(6, row.State);
            upsert.Execute();
        }

        if (update.Usage is { } usage)
        {
            var add = Raw(ref upsertModelUsage, SqliteDialect.Instance.UpsertModelUsage, "@UserId", "@Period", "@Model", "@Input", "@CachedInput", "@Output", "@Reasoning", "@Cost");
            add.Bind(1, userId);
            add.Bind(2, usage.Period);
            add.Bind(3, usage.ModelId);
            add.Bind(4, usage.InputTokens);
            add.Bind(5, usage.CachedInputTokens);
            add.Bind(6, usage.OutputTokens);
            add.Bind(7, usage.ReasoningTokens);
            add.Bind(8, usage.CostNanoUnits);
            add.Execute();
        }

        return true;
    }

    private long ReadModelCost(string userId, ModelUsageCharge usage)
    {
        var statement = Raw(ref selectModelCost, SqliteDialect.Instance.SelectModelCost, "@UserId", "@Period", "@Model");
        statement.Bind(1, userId);
        statement.Bind(2, usage.Period);
        statement.Bind(3, usage.ModelId);
        try
        {
            return statement.Step() ? statement.Int64(0) : 0;
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>Reads the hold texts of the user's live reservations that meet extra limits.</summary>
    public List<string> ReadLiveLimitHolds(string userId, long nowMs)
    {
        var statement = Raw(ref selectLiveLimitHolds, SqliteSql.SelectLiveLimitHolds, "@userId", "@now");
        statement.Bind(1, userId);
        statement.Bind(2, nowMs);
        var holds = new List<string>();
        try
        {
            while (statement.Step())
            {
                holds.Add(statement.Text(0));
            }
        }
        finally
        {
            statement.Reset();
        }

        return holds;
    }

    /// <summary>Reads the hold texts of the live reservations that hold against a shared subject's limits (every member's).</summary>
    public void ReadLiveSubjectHolds(string subject, long nowMs, List<string> holds)
    {
        var statement = Raw(ref selectLiveSubjectHolds, SqliteSql.SelectLiveSubjectHolds, "@subject", "@now");
        statement.Bind(1, subject);
        statement.Bind(2, nowMs);
        try
        {
            while (statement.Step())
            {
                holds.Add(statement.Text(0));
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>Forgets a shared subject's holds whose reservation expired, was committed or was released.</summary>
    public void PurgeSubjectHolds(string subject, long nowMs)
    {
        var statement = Raw(ref purgeSubjectHolds, SqliteSql.PurgeSubjectHolds, "@subject", "@now");
        statement.Bind(1, subject);
        statement.Bind(2, nowMs);
        statement.Execute();
    }

    /// <summary>Stores what a new reservation holds against a shared subject's limits.</summary>
    public void InsertSubjectHold(NewReservation reservation, SharedHold hold)
    {
        var statement = Raw(ref insertSubjectHold, SqliteSql.InsertSubjectHold, "@subject", "@requestId", "@expiresAt", "@holds");
        statement.Bind(1, hold.Subject);
        statement.Bind(2, reservation.RequestId);
        statement.Bind(3, reservation.ExpiresAt.ToUnixTimeMilliseconds());
        statement.Bind(4, hold.Holds);
        statement.Execute();
    }

    /// <summary>Forgets the user's limit holds whose reservation expired, was committed or was released.</summary>
    public void PurgeLimitHolds(string userId, long nowMs)
    {
        var statement = Raw(ref purgeLimitHolds, SqliteSql.PurgeLimitHolds, "@userId", "@now");
        statement.Bind(1, userId);
        statement.Bind(2, nowMs);
        statement.Execute();
    }

    /// <summary>Stores what a new reservation holds against extra limits.</summary>
    public void InsertLimitHolds(NewReservation reservation, string holds)
    {
        var statement = Raw(ref insertLimitHolds, SqliteSql.InsertLimitHolds, "@requestId", "@userId", "@expiresAt", "@holds");
        statement.Bind(1, reservation.RequestId);
        statement.Bind(2, reservation.UserId);
        statement.Bind(3, reservation.ExpiresAt.ToUnixTimeMilliseconds());
        statement.Bind(4, holds);
        statement.Execute();
    }
}
