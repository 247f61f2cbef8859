using Dapper;
using Npgsql;
using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

// Reservations: batched with the other per-user steps, or each step alone in one transaction under the user's advisory lock.
public sealed partial class PostgreSqlQuotaStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Concurrent reservations, commits and charges are judged and written together, one transaction per batch
    /// (<see cref="PostgreSqlUserBatchWriter"/>); the expired holds of the batch's reserving users are forgotten at the
    /// time of its latest reservation.
    /// </remarks>
    public async ValueTask<ReservationAttempt> TryReserveAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(admit);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await batches.RunAsync(new PostgreSqlReserveOperation(reservation, admit, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A reservation in its own transaction (a sequential caller's request, and each request of a batch whose
    /// transaction failed). Two round trips before the COMMIT: the user's lock, the purge of expired holds and the read
    /// in one batch; then the hold.
    /// </summary>
    internal async Task<ReservationAttempt> TryReserveAloneAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, ReservationLimitCheck? limits, CancellationToken cancellationToken)
    {
        var now = reservation.CreatedAt.ToUnixTimeMilliseconds();
        return await InUserTransactionAsync(reservation.UserId, lockFirst: false, async (c, t) =>
        {
            TokenUsageTotals totals;
            int expired;
            await using (var read = new NpgsqlBatch(c, t))
            {
                read.BatchCommands.Add(UserLock(reservation.UserId));
                read.BatchCommands.Add(Batched(sql.PurgeExpiredHolds, ("userId", reservation.UserId), ("now", now)));
                read.BatchCommands.Add(usage.CreateSelectUsage(reservation.UserId, reservation.Period.Key, now));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                expired = reader.GetInt32(0);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                totals = await PostgreSqlUsageCommands.ReadSelectUsageAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            if (!admit(totals) || (limits is not null && !await AdmitByLimitsAsync(c, t, reservation.UserId, now, limits, cancellationToken).ConfigureAwait(false)))
            {
                return (true, new ReservationAttempt(false, totals) { ExpiredHoldsForgotten = expired });
            }

            var inserted = await c.ExecuteAsync(Command(
                sql.InsertReservation,
                new
                {
                    requestId = reservation.RequestId,
                    userId = reservation.UserId,
                    period = reservation.Period.Key,
                    input = reservation.InputTokens,
                    output = reservation.OutputTokens,
                    now,
                    expiresAt = reservation.ExpiresAt.ToUnixTimeMilliseconds(),
                },
                t,
                cancellationToken)).ConfigureAwait(false);
            if (inserted != 1)
            {
                throw ReservationCommit.RequestIdInUse(reservation.RequestId);
            }

            if (limits is not null)
            {
                await c.ExecuteAsync(Command(
                    sql.InsertLimitHolds,
                    new { requestId = reservation.RequestId, userId = reservation.UserId, expiresAt = reservation.ExpiresAt.ToUnixTimeMilliseconds(), holds = limits.Holds },
                    t,
                    cancellationToken)).ConfigureAwait(false);
                if (limits.SharedHolds.Count > 0)
                {
                    await c.ExecuteAsync(Command(
                        sql.InsertSubjectHolds,
                        new { requestId = reservation.RequestId, expiresAt = reservation.ExpiresAt.ToUnixTimeMilliseconds(), subjects = limits.SharedHolds.Select(h => h.Subject).ToArray(), holds = limits.SharedHolds.Select(h => h.Holds).ToArray() },
                        t,
                        cancellationToken)).ConfigureAwait(false);
                }
            }

            return (true, new ReservationAttempt(true, totals) { ExpiredHoldsForgotten = expired });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Alone in a transaction under the user's advisory lock, so the user's batched steps and these queue behind one another.</remarks>
    public async ValueTask<ReservationAttempt> TryReserveWithLimitsAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, ReservationLimitCheck limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(admit);
        ArgumentNullException.ThrowIfNull(limits);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await TryReserveAloneAsync(reservation, admit, limits, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Alone in a transaction under the user's advisory lock.</remarks>
    public async ValueTask<ReservationCommitOutcome> CommitReservationWithCountersAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        retention.EnsureStarted();
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await CommitReservationAloneAsync(requestId, userId, period, inputTokens, outputTokens, now, counters, cancellationToken).ConfigureAwait(false);
    }

    // The extra limits of a reservation, judged in its transaction after its standard limits admitted it.
    private async Task<bool> AdmitByLimitsAsync(NpgsqlConnection c, NpgsqlTransaction t, string userId, long nowMs, ReservationLimitCheck limits, CancellationToken cancellationToken)
    {
        var subjects = limits.SharedHolds.Select(h => h.Subject).Concat(limits.SharedKeys.Select(k => k.Subject)).Distinct().ToArray();
        var parameters = new { userId, now = nowMs, keys = limits.Keys.ToArray(), subjects, sharedKeys = limits.SharedKeys.Select(k => k.Key).ToArray() };
        var statements = subjects.Length == 0
            ? sql.PurgeLimitHolds + sql.SelectLimitCounters + sql.SelectLiveLimitHolds
            : sql.LockSubjects + sql.PurgeLimitHolds + sql.PurgeSubjectHolds + sql.SelectLimitCounters + sql.SelectLiveLimitHolds + sql.SelectLiveSubjectHolds;
        await using var read = await c.QueryMultipleAsync(Command(statements, parameters, t, cancellationToken)).ConfigureAwait(false);
        if (subjects.Length > 0)
        {
            _ = await read.ReadAsync().ConfigureAwait(false);
        }

        var counters = (await read.ReadAsync<LimitCounterRow>().ConfigureAwait(false)).Select(r => r.ToCounter(limits.SharedKeys)).ToList();
        var live = (await read.ReadAsync<string>().ConfigureAwait(false)).ToList();
        if (subjects.Length > 0)
        {
            live.AddRange(await read.ReadAsync<string>().ConfigureAwait(false));
        }

        return limits.Admit(counters, live);
    }

    /// <inheritdoc />
    /// <remarks>Concurrent commits, reservations and charges are judged and written together, one transaction per batch (<see cref="PostgreSqlUserBatchWriter"/>).</remarks>
    public async ValueTask<ReservationCommitOutcome> CommitReservationAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        retention.EnsureStarted();
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await batches.RunAsync(new PostgreSqlCommitOperation(requestId, userId, period, inputTokens, outputTokens, now, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A commit in its own transaction (a sequential caller's request, and each request of a batch whose transaction
    /// failed). Two round trips before the COMMIT: the user's lock and the reservation's row in one batch; then the
    /// usage and the commit mark in another.
    /// </summary>
    internal async Task<ReservationCommitOutcome> CommitReservationAloneAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate? counters, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        return await InUserTransactionAsync(userId, lockFirst: false, async (c, t) =>
        {
            StoredReservation? stored = null;
            await using (var read = new NpgsqlBatch(c, t))
            {
                read.BatchCommands.Add(UserLock(userId));
                read.BatchCommands.Add(Batched(sql.SelectReservation, ("requestId", requestId)));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    stored = new StoredReservation(
                        reader.GetString(0), reader.GetString(1), reader.GetString(2) == StoredReservation.HeldState, reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                }
            }

            if (ReservationCommit.Plan(stored, userId, period.Key, inputTokens, outputTokens) is not { } commit)
            {
                return (false, ReservationCommitOutcome.AlreadyCommitted);
            }

            await using var write = new NpgsqlBatch(c, t);
            var add = commit.AddsUsage ? usage.CreateAddUsage(commit.UserId, commit.Period, inputTokens, outputTokens, nowMs) : null;
            if (add is not null)
            {
                write.BatchCommands.Add(add);
            }

            write.BatchCommands.Add(Batched(
                sql.MarkReservationCommitted,
                ("wasHeld", commit.Hold is not null),
                ("heldInput", commit.Hold?.InputTokens ?? 0L),
                ("heldOutput", commit.Hold?.OutputTokens ?? 0L),
                ("requestId", requestId),
                ("userId", commit.UserId),
                ("period", commit.Period),
                ("input", inputTokens),
                ("output", outputTokens),
                ("now", nowMs)));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (add is { RecordsAffected: not 1 })
            {
                // Not committed: the transaction rolls back, so the commit mark goes with it.
                throw ReservationCommit.UsageWouldOverflow();
            }

            if (commit.AddsUsage && counters is not null && !await ApplyCountersAsync(c, t, commit.UserId, counters, cancellationToken).ConfigureAwait(false))
            {
                // A counter or the cost by model would overflow: the transaction rolls back with everything it wrote.
                throw ReservationCommit.UsageWouldOverflow();
            }

            return (true, commit.Outcome(nowMs));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseReservationAsync(string requestId, CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.ExecuteAsync(Command(sql.ReleaseReservation, new { requestId }, null, cancellationToken)), cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Runs one retention pass now (the background pass runs every <see cref="ReservationRetention.Interval"/>).</summary>
    /// <returns>The number of committed reservations forgotten (the pass also sweeps expired holds).</returns>
    internal Task<int> PurgeCommittedReservationsAsync() => retention.RunAsync();

    /// <summary>Told how many expired holds each background sweep batch forgot (wired to the expired-reservations metric).</summary>
    internal Action<int>? ExpiredHoldsSwept { get; set; }

    /// <summary>
    /// The background sweep: each user's expired holds are forgotten in that user's own transaction under the user's
    /// lock, exactly as a reservation of the user does, so it never races one.
    /// </summary>
    private async ValueTask<ExpiredHoldsSweep> SweepExpiredHoldsAsync(long nowMs, int limit, CancellationToken cancellationToken)
    {
        var users = (await RunAsync(c => c.QueryAsync<string>(Command(sql.SelectUsersWithExpiredHolds, new { now = nowMs, limit }, null, cancellationToken)), cancellationToken).ConfigureAwait(false)).ToArray();
        var holds = 0;
        foreach (var userId in users)
        {
            holds += await InUserTransactionAsync(userId, async (c, t) =>
            {
                var forgotten = await c.ExecuteScalarAsync<int>(Command(sql.PurgeExpiredHolds, new { userId, now = nowMs }, t, cancellationToken)).ConfigureAwait(false);
                return (true, forgotten);
            }, cancellationToken).ConfigureAwait(false);
        }

        return new ExpiredHoldsSweep(users.Length, holds);
    }

    private static NpgsqlBatchCommand Batched(string statement, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        var command = new NpgsqlBatchCommand(statement);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        return command;
    }

    /// <summary>Takes the user's advisory lock, as the first command of a batch (every later command reads after it).</summary>
    private NpgsqlBatchCommand UserLock(string userId) => Batched(sql.LockUser, ("userId", userId));
}
