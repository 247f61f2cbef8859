using Npgsql;
using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// The state of one batch of <see cref="PostgreSqlUserOperation"/>s, read in one round trip (under the advisory locks
/// of the batch's users, so nothing else changes it until the COMMIT), changed in memory by each request as it is
/// judged, and the effects to write, aggregated so that one statement touches each row once.
/// </summary>
internal sealed class PostgreSqlUserBatch(PostgreSqlUserBatchStatements sql)
{
    private static readonly string HourKey = RateWindows.StoredKey(RateLimitWindow.PromptsPerHour);
    private static readonly string DayKey = RateWindows.StoredKey(RateLimitWindow.PromptsPerDay);

    private readonly HashSet<string> users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RateWindowRow>> windows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string UserId, string Period), PeriodTotals> totals = [];
    private readonly Dictionary<string, int> expiredHolds = new(StringComparer.Ordinal);
    private readonly HashSet<string> requestIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredReservation> reservations = new(StringComparer.Ordinal);
    private readonly HashSet<(string UserId, string Key)> chargedWindows = [];
    private readonly Dictionary<(string UserId, string Period), (long Input, long Output, long Now)> usageAdds = [];
    private readonly Dictionary<(string UserId, string Period), (long Input, long Output)> reservedAdds = [];
    private readonly List<NewReservation> holds = [];
    private readonly List<(string RequestId, string UserId, string Period, long Input, long Output, long Now)> commitMarks = [];
    private long purgeAt;

    /// <summary>Gets the configuration version read with the batch.</summary>
    public long ConfigurationVersion { get; private set; }

    /// <summary>A request of <paramref name="userId"/> needs its rate windows.</summary>
    public void NeedWindows(string userId)
    {
        users.Add(userId);
        windows.TryAdd(userId, []);
    }

    /// <summary>
    /// A reservation of <paramref name="userId"/> in <paramref name="period"/> at <paramref name="nowMs"/> needs the
    /// totals; the user's holds expired at the batch's latest reservation time are forgotten first (every request of a
    /// batch was made by then, so each may be judged at that time).
    /// </summary>
    public void NeedTotals(string userId, string period, long nowMs)
    {
        users.Add(userId);
        totals.TryAdd((userId, period), new PeriodTotals());
        purgeAt = Math.Max(purgeAt, nowMs);
    }

    /// <summary>A request of <paramref name="userId"/> needs the stored reservation <paramref name="requestId"/>, if any.</summary>
    public void NeedReservation(string userId, string requestId)
    {
        users.Add(userId);
        requestIds.Add(requestId);
    }

    public List<RateWindowRow> WindowsOf(string userId) => windows[userId];

    /// <summary>The windows of an admitted charge were changed in memory (<see cref="RateWindowRules.Charge"/>): write them.</summary>
    public void Charged(string userId, IReadOnlyList<RateWindowCharge> charged)
    {
        foreach (var window in charged)
        {
            chargedWindows.Add((userId, RateWindows.StoredKey(window.Window)));
        }
    }

    /// <summary>The totals a reservation judges: usage and live holds, after the batch's earlier requests.</summary>
    public TokenUsageTotals TotalsOf(string userId, string period)
    {
        var t = totals[(userId, period)];
        return new TokenUsageTotals(t.UsedInput, t.UsedOutput)
        {
            ReservedInputTokens = t.ReservedInput,
            ReservedOutputTokens = t.ReservedOutput,
            ConfigurationVersion = ConfigurationVersion,
        };
    }

    /// <summary>The count of the user's expired holds this batch forgot, told to the first reservation of the user that asks.</summary>
    public int TakeExpiredHolds(string userId) => expiredHolds.Remove(userId, out var count) ? count : 0;

    public bool TryGetReservation(string requestId, out StoredReservation stored) => reservations.TryGetValue(requestId, out stored);

    /// <summary>Holds an admitted reservation: its row, and its estimate added to the reserved total.</summary>
    public void Hold(NewReservation reservation)
    {
        var key = (reservation.UserId, reservation.Period.Key);
        AddReserved(key, reservation.InputTokens, reservation.OutputTokens);
        holds.Add(reservation);
        reservations[reservation.RequestId] = new StoredReservation(
            reservation.UserId, reservation.Period.Key, true, reservation.ExpiresAt.ToUnixTimeMilliseconds(), reservation.InputTokens, reservation.OutputTokens);
    }

    /// <summary>Writes a planned commit: the usage added, the hold's estimate taken back, the reservation marked committed.</summary>
    public void Commit(string requestId, ReservationCommit commit, long input, long output, long nowMs)
    {
        var key = (commit.UserId, commit.Period);
        if (commit.AddsUsage)
        {
            var sum = usageAdds.GetValueOrDefault(key);
            usageAdds[key] = (checked(sum.Input + input), checked(sum.Output + output), Math.Max(sum.Now, nowMs));
            if (totals.TryGetValue(key, out var t))
            {
                t.UsedInput = checked(t.UsedInput + input);
                t.UsedOutput = checked(t.UsedOutput + output);
            }
        }

        if (commit.Hold is { } hold)
        {
            AddReserved((hold.UserId, hold.Period), -hold.InputTokens, -hold.OutputTokens);
        }

        commitMarks.Add((requestId, commit.UserId, commit.Period, input, output, nowMs));
        reservations[requestId] = new StoredReservation(commit.UserId, commit.Period, false, nowMs, input, output);
    }

    /// <summary>Adds the batch's reads to <paramref name="read"/>: BEGIN, the users' locks and the configuration version, then every row the requests named.</summary>
    public void AddReads(NpgsqlBatch read)
    {
        read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        read.BatchCommands.Add(Command(sql.LockUsersAndReadVersion, Value(users.ToArray())));
        if (totals.Count > 0)
        {
            read.BatchCommands.Add(Command(
                sql.PurgeExpiredHoldsAndSelectTotals,
                Value(totals.Keys.Select(k => k.UserId).ToArray()),
                Value(totals.Keys.Select(k => k.Period).ToArray()),
                Value(purgeAt)));
        }

        if (windows.Count > 0)
        {
            read.BatchCommands.Add(Command(sql.SelectRateWindows, Value(windows.Keys.ToArray())));
        }

        if (requestIds.Count > 0)
        {
            read.BatchCommands.Add(Command(sql.SelectReservations, Value(requestIds.ToArray())));
        }
    }

    /// <summary>Reads the results of <see cref="AddReads"/>, in its order.</summary>
    public async Task ReadAsync(PostgreSqlRowSets rows)
    {
        var reader = rows.Reader;
        await rows.NextAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        ConfigurationVersion = reader.GetInt64(3);
        if (totals.Count > 0)
        {
            await rows.NextAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var t = totals[(reader.GetString(0), reader.GetString(1))];
                (t.UsedInput, t.UsedOutput, t.ReservedInput, t.ReservedOutput) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                if (reader.GetInt32(6) > 0)
                {
                    expiredHolds[reader.GetString(0)] = reader.GetInt32(6);
                }
            }
        }

        if (windows.Count > 0)
        {
            await rows.NextAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                windows[reader.GetString(0)].Add(new RateWindowRow { WindowKey = reader.GetString(1), WindowStart = reader.GetInt64(2), RequestCount = reader.GetInt32(3) });
            }
        }

        if (requestIds.Count > 0)
        {
            await rows.NextAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                reservations[reader.GetString(0)] = new StoredReservation(
                    reader.GetString(1), reader.GetString(2), reader.GetString(3) == StoredReservation.HeldState, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            }
        }
    }

    /// <summary>Adds every effect judged to <paramref name="write"/>, as one statement (the COMMIT is the writer's).</summary>
    public void AddWrites(NpgsqlBatch write)
    {
        // Rows in one order for every writer (the record writer's too): concurrent statements lock them in array order.
        var reserved = reservedAdds.Where(r => r.Value is not (0, 0)).OrderBy(r => r.Key.UserId, StringComparer.Ordinal).ThenBy(r => r.Key.Period, StringComparer.Ordinal).ToArray();
        var usage = usageAdds.OrderBy(u => u.Key.UserId, StringComparer.Ordinal).ThenBy(u => u.Key.Period, StringComparer.Ordinal).ToArray();
        var promptUsers = chargedWindows.Where(w => w.Key == HourKey || w.Key == DayKey).Select(w => w.UserId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var hours = promptUsers.Select(u => windows[u].Find(r => r.WindowKey == HourKey)).ToArray();
        var days = promptUsers.Select(u => windows[u].Find(r => r.WindowKey == DayKey)).ToArray();
        var keyed = chargedWindows.Where(w => w.Key != HourKey && w.Key != DayKey)
            .OrderBy(w => w.UserId, StringComparer.Ordinal).ThenBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (w.UserId, Row: windows[w.UserId].Find(r => r.WindowKey == w.Key)!)).ToArray();
        write.BatchCommands.Add(Command(
            sql.WriteEffects,
            Value(holds.Select(h => h.RequestId).ToArray()),
            Value(holds.Select(h => h.UserId).ToArray()),
            Value(holds.Select(h => h.Period.Key).ToArray()),
            Value(holds.Select(h => h.InputTokens).ToArray()),
            Value(holds.Select(h => h.OutputTokens).ToArray()),
            Value(holds.Select(h => h.CreatedAt.ToUnixTimeMilliseconds()).ToArray()),
            Value(holds.Select(h => h.ExpiresAt.ToUnixTimeMilliseconds()).ToArray()),
            Value(commitMarks.Select(m => m.RequestId).ToArray()),
            Value(commitMarks.Select(m => m.UserId).ToArray()),
            Value(commitMarks.Select(m => m.Period).ToArray()),
            Value(commitMarks.Select(m => m.Input).ToArray()),
            Value(commitMarks.Select(m => m.Output).ToArray()),
            Value(commitMarks.Select(m => m.Now).ToArray()),
            Value(reserved.Select(r => r.Key.UserId).ToArray()),
            Value(reserved.Select(r => r.Key.Period).ToArray()),
            Value(reserved.Select(r => r.Value.Input).ToArray()),
            Value(reserved.Select(r => r.Value.Output).ToArray()),
            Value(usage.Select(u => u.Key.UserId).ToArray()),
            Value(usage.Select(u => u.Key.Period).ToArray()),
            Value(usage.Select(u => u.Value.Input).ToArray()),
            Value(usage.Select(u => u.Value.Output).ToArray()),
            Value(usage.Select(u => u.Value.Now).ToArray()),
            Value(promptUsers),
            Value(hours.Select(r => r?.WindowStart ?? 0).ToArray()),
            Value(hours.Select(r => (int)(r?.RequestCount ?? 0)).ToArray()),
            Value(days.Select(r => r?.WindowStart ?? 0).ToArray()),
            Value(days.Select(r => (int)(r?.RequestCount ?? 0)).ToArray()),
            Value(keyed.Select(k => k.UserId).ToArray()),
            Value(keyed.Select(k => k.Row.WindowKey).ToArray()),
            Value(keyed.Select(k => k.Row.WindowStart).ToArray()),
            Value(keyed.Select(k => (int)k.Row.RequestCount).ToArray())));
    }

    private void AddReserved((string UserId, string Period) key, long input, long output)
    {
        var sum = reservedAdds.GetValueOrDefault(key);
        reservedAdds[key] = (checked(sum.Input + input), checked(sum.Output + output));
        if (totals.TryGetValue(key, out var t))
        {
            t.ReservedInput = checked(t.ReservedInput + input);
            t.ReservedOutput = checked(t.ReservedOutput + output);
        }
    }

    private static NpgsqlBatchCommand Command(string statement, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(statement);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>A positional parameter of the value's own type (arrays become PostgreSQL arrays).</summary>
    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>A (user, period)'s usage and reserved totals as the batch's requests change them.</summary>
    private sealed class PeriodTotals
    {
        public long UsedInput { get; set; }

        public long UsedOutput { get; set; }

        public long ReservedInput { get; set; }

        public long ReservedOutput { get; set; }
    }
}
