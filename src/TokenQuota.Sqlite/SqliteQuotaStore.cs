using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.Sqlite;

/// <summary>
/// The SQLite <see cref="IQuotaStore"/> over Microsoft.Data.Sqlite: WAL, <c>synchronous=NORMAL</c>, a busy timeout,
/// usage added with one insert-or-add statement and write transactions begun immediately (<c>BEGIN IMMEDIATE</c>),
/// never upgraded from a read. Safe for many threads and for several processes on one machine.
/// </summary>
/// <remarks>
/// The hot path (checks, recording, rate windows, reservations) runs cached prepared statements on long-lived
/// connections: one writer, whose concurrent writes are group-committed (each call returns only after the COMMIT that
/// holds its write), and a small pool of readers. Administration and reports use Dapper on pooled connections.
/// Dispose the store (the DI container does) to close its connections.
/// </remarks>
public sealed class SqliteQuotaStore : IRelationalQuotaStore, IAsyncDisposable, IDisposable, IRelationalConnections
{
    private readonly SqliteQuotaStoreOptions options;
    private readonly SqliteConnectionFactory connections;
    private readonly TimeProvider timeProvider;
    private readonly SqliteReaderPool readers;
    private readonly SqliteGroupCommitWriter writer;
    private readonly MigrationGate migration = new();
    private readonly ReservationRetention retention;
    private readonly RelationalAdministration administration;
    private readonly RelationalReports reports;

    /// <summary>Creates the store. Nothing is opened until first use.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for row timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteQuotaStore(SqliteQuotaStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteQuotaStoreOptionsValidator.ThrowIfInvalid(options);
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        connections = new SqliteConnectionFactory(options);
        readers = new SqliteReaderPool(connections);
        writer = new SqliteGroupCommitWriter(connections, readers.Clear);
        administration = new RelationalAdministration(this, SqliteDialect.Instance, this.timeProvider);
        reports = new RelationalReports(this, SqliteDialect.Instance);
        retention = new ReservationRetention(
            this.timeProvider,
            (cutoff, limit, ct) => WriteAsync((cutoff, limit), static (c, s) => c.PurgeCommittedReservations(s.cutoff, s.limit), SqliteWriteAtomicity.SingleStatement, ct),
            (now, limit, ct) => WriteAsync((now, limit), static (c, s) => c.SweepExpiredHolds(s.now, s.limit), SqliteWriteAtomicity.SingleStatement, ct),
            holds => ExpiredHoldsSwept?.Invoke(holds));
    }

    /// <summary>Gets the newest schema version this store knows.</summary>
    public static int LatestSchemaVersion => SqliteMigrator.LatestVersion;

    /// <inheritdoc />
    public string StoreName => "sqlite";

    RelationalAdministration IRelationalQuotaStore.Administration => administration;

    RelationalReports IRelationalQuotaStore.Reports => reports;

    /// <inheritdoc />
    /// <remarks>A database file that does not exist yet is reported as version 0 and is not created.</remarks>
    public async Task<QuotaSchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        if (connections.FileMissing)
        {
            return new QuotaSchemaVersion(0, LatestSchemaVersion);
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.SelectSchemaVersionIfAny, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new QuotaSchemaVersion(current, LatestSchemaVersion);
    }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        migration.RunAsync(
            async ct =>
            {
                await using var connection = await connections.OpenAsync(ct).ConfigureAwait(false);
                await SqliteMigrator.MigrateAsync(connection, timeProvider.GetUtcNow(), connections.DataSource, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> GetConfigurationVersionAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(0, static (c, _) => c.ReadConfigurationVersion(), cancellationToken);

    /// <inheritdoc />
    public ValueTask<long?> GetAssignedProfileIdAsync(string userId, CancellationToken cancellationToken = default) =>
        ReadAsync(userId, static (c, user) => c.ReadAssignedProfileId(user), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The totals carry the configuration version read in the same statement.</remarks>
    public ValueTask<TokenUsageTotals> GetUsageAsync(string userId, QuotaPeriod period, CancellationToken cancellationToken = default) =>
        ReadAsync(
            (userId, period.Key, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            static (c, s) => c.ReadUsage(s.userId, s.Key, s.Item3),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> AddUsageAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(
            (userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds()),
            static (c, s) => c.AddUsage(s.userId, s.Key, s.inputTokens, s.outputTokens, s.Item5),
            SqliteWriteAtomicity.SingleStatement,
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> AddUsageAndCountersAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return WriteAsync(
            (userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds(), counters),
            static (c, s) => c.PrepareLimitCounters(s.userId, s.counters) is { } rows
                && c.AddUsage(s.userId, s.Key, s.inputTokens, s.outputTokens, s.Item5)
                && c.WriteLimitCounters(s.userId, s.counters, rows),
            SqliteWriteAtomicity.BatchTransaction,
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StoredLimitState> GetLimitStateAsync(string userId, IReadOnlyList<string> keys, IReadOnlyList<SharedCounterKey> sharedKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sharedKeys);
        return MigrateThenReadAsync(
            (userId, keys, sharedKeys, now: timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            static (c, s) => new StoredLimitState(c.ReadLimitCounters(s.userId, s.keys, s.sharedKeys), LiveHolds(c, s.userId, s.sharedKeys.Select(k => k.Subject).Distinct(), s.now)),
            cancellationToken);
    }

    // The user's live holds and those of each shared subject (every member's), together: the core tells them apart by key.
    private static List<string> LiveHolds(SqliteHotPathConnection c, string userId, IEnumerable<string> subjects, long nowMs)
    {
        var holds = c.ReadLiveLimitHolds(userId, nowMs);
        foreach (var subject in subjects)
        {
            c.ReadLiveSubjectHolds(subject, nowMs, holds);
        }

        return holds;
    }

    // The extra limits of a reservation, judged on the writer after its standard limits admitted it.
    private static bool AdmitByLimits(SqliteHotPathConnection c, string userId, long nowMs, ReservationLimitCheck limits)
    {
        c.PurgeLimitHolds(userId, nowMs);
        var subjects = limits.SharedHolds.Select(h => h.Subject).ToArray();
        foreach (var subject in subjects)
        {
            c.PurgeSubjectHolds(subject, nowMs);
        }

        return limits.Admit(c.ReadLimitCounters(userId, limits.Keys, limits.SharedKeys), LiveHolds(c, userId, subjects, nowMs));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The windows are read and charged in one write on the writer connection. Nothing in it can fail alone (the
    /// decision is made in C# from the read, and each charge is a single-row update or insert-or-update), so inside a
    /// group-commit batch it runs without a savepoint; a failure there fails the whole batch.
    /// </remarks>
    public ValueTask<RateWindowChargeResult> TryChargeRateWindowsAsync(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return WriteAsync((userId, windows), static (c, s) => ChargeRateWindows(c, s.userId, s.windows, counters: null), SqliteWriteAtomicity.BatchTransaction, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<RateWindowChargeResult> TryChargeRateWindowsAndCountersAsync(string userId, IReadOnlyList<RateWindowCharge> windows, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(counters);
        return WriteAsync((userId, windows, counters), static (c, s) => ChargeRateWindows(c, s.userId, s.windows, s.counters), SqliteWriteAtomicity.BatchTransaction, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ReservationAttempt> TryReserveWithLimitsAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, ReservationLimitCheck limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(admit);
        ArgumentNullException.ThrowIfNull(limits);
        return RequestIdMustBeFree(
            WriteAsync((reservation, admit, limits), static (c, s) => Reserve(c, s.reservation, s.admit, s.limits), SqliteWriteAtomicity.BatchTransaction, cancellationToken),
            reservation.RequestId);
    }

    /// <inheritdoc />
    public ValueTask<ReservationCommitOutcome> CommitReservationWithCountersAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        retention.EnsureStarted();
        return UsageMustFit(WriteAsync(
            (requestId, userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds(), counters),
            static (c, s) => CommitReservation(c, s.requestId, s.userId, s.Key, s.inputTokens, s.outputTokens, s.Item6, s.counters),
            SqliteWriteAtomicity.BatchTransaction,
            cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<ReservationAttempt> TryReserveAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(admit);
        return RequestIdMustBeFree(
            WriteAsync((reservation, admit), static (c, s) => Reserve(c, s.reservation, s.admit, limits: null), SqliteWriteAtomicity.BatchTransaction, cancellationToken),
            reservation.RequestId);
    }

    /// <inheritdoc />
    public ValueTask<ReservationCommitOutcome> CommitReservationAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        retention.EnsureStarted();
        return UsageMustFit(WriteAsync(
            (requestId, userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds()),
            static (c, s) => CommitReservation(c, s.requestId, s.userId, s.Key, s.inputTokens, s.outputTokens, s.Item6, counters: null),
            SqliteWriteAtomicity.BatchTransaction,
            cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseReservationAsync(string requestId, CancellationToken cancellationToken = default) =>
        WriteAsync(requestId, static (c, id) => c.ReleaseHold(id), SqliteWriteAtomicity.BatchTransaction, cancellationToken);

    /// <summary>Told how many expired holds each background sweep batch forgot (wired to the expired-reservations metric).</summary>
    internal Action<int>? ExpiredHoldsSwept { get; set; }

    /// <summary>Runs one retention pass now (the background pass runs every <see cref="ReservationRetention.Interval"/>).</summary>
    /// <returns>The number of committed reservations forgotten.</returns>
    internal Task<int> PurgeCommittedReservationsAsync() => retention.RunAsync();

    /// <summary>Closes the store's long-lived connections once the queued writes have committed.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        retention.Dispose();
        await writer.DisposeAsync().ConfigureAwait(false);
        readers.Dispose();
        migration.Dispose();
    }

    /// <summary>Closes the store's long-lived connections once the queued writes have committed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static RateWindowChargeResult ChargeRateWindows(SqliteHotPathConnection c, string userId, IReadOnlyList<RateWindowCharge> windows, LimitCounterUpdate? counters)
    {
        var counts = c.ReadRateWindowCounts(userId, windows, out var version, out var promptRowStored);
        if (RateWindowRules.IsStale(windows, version))
        {
            return new RateWindowChargeResult(false, counts, version);
        }

        if (!RateWindowRules.AdmitAll(windows, counts) || (counters is not null && !c.ApplyLimitCounters(userId, counters)))
        {
            return new RateWindowChargeResult(false, counts, version);
        }

        c.ChargeRateWindows(userId, windows, promptRowStored);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i]++;
        }

        return new RateWindowChargeResult(true, counts, version);
    }

    /// <summary>The reservation step; <see langword="null"/> when the request id is already in use (nothing written for it).</summary>
    private static ReservationAttempt? Reserve(SqliteHotPathConnection c, NewReservation reservation, Func<TokenUsageTotals, bool> admit, ReservationLimitCheck? limits)
    {
        var now = reservation.CreatedAt.ToUnixTimeMilliseconds();
        var totals = c.ReadUsage(reservation.UserId, reservation.Period.Key, now, out var hasExpiredHolds);

        // The figures read already leave the expired holds out; purging them changes no total anyone sees.
        var expired = hasExpiredHolds ? c.PurgeExpiredHolds(reservation.UserId, now) : 0;
        if (!admit(totals) || (limits is not null && !AdmitByLimits(c, reservation.UserId, now, limits)))
        {
            return new ReservationAttempt(false, totals) { ExpiredHoldsForgotten = expired };
        }

        if (!c.InsertReservation(reservation, now))
        {
            return null;
        }

        if (limits is not null)
        {
            c.InsertLimitHolds(reservation, limits.Holds);
            foreach (var hold in limits.SharedHolds)
            {
                c.InsertSubjectHold(reservation, hold);
            }
        }

        return new ReservationAttempt(true, totals) { ExpiredHoldsForgotten = expired };
    }

    /// <summary>The commit step; <see langword="null"/> when the usage would overflow the stored total (nothing written).</summary>
    private static ReservationCommitOutcome? CommitReservation(SqliteHotPathConnection c, string requestId, string userId, string periodKey, long inputTokens, long outputTokens, long nowMs, LimitCounterUpdate? counters)
    {
        if (ReservationCommit.Plan(c.ReadReservation(requestId), userId, periodKey, inputTokens, outputTokens) is not { } commit)
        {
            return ReservationCommitOutcome.AlreadyCommitted;
        }

        // Everything that can refuse is decided before the first write.
        var rows = commit.AddsUsage && counters is not null ? c.PrepareLimitCounters(commit.UserId, counters) : [];
        if (rows is null || (commit.AddsUsage && !c.AddUsage(commit.UserId, commit.Period, inputTokens, outputTokens, nowMs)))
        {
            return null;
        }

        if (commit.AddsUsage && counters is not null)
        {
            c.WriteLimitCounters(commit.UserId, counters, rows);
        }

        if (commit.Hold is { } hold)
        {
            c.TakeBackReserved(hold);
        }

        c.MarkReservationCommitted(requestId, commit.UserId, commit.Period, inputTokens, outputTokens, nowMs);
        return commit.Outcome(nowMs);
    }

    // Reserve and commit refuse by a result, not by throwing on the writer: each refuses before it writes anything, so
    // inside a group-commit batch neither needs a savepoint.
    private static async ValueTask<ReservationAttempt> RequestIdMustBeFree(ValueTask<ReservationAttempt?> write, string requestId) =>
        await write.ConfigureAwait(false) ?? throw ReservationCommit.RequestIdInUse(requestId);

    private static async ValueTask<ReservationCommitOutcome> UsageMustFit(ValueTask<ReservationCommitOutcome?> write) =>
        await write.ConfigureAwait(false) ?? throw ReservationCommit.UsageWouldOverflow();

    /// <summary>Runs a read on a pooled long-lived connection; synchronous (no allocation) once the schema is migrated.</summary>
    private ValueTask<T> ReadAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> read, CancellationToken cancellationToken)
    {
        if (!migration.IsDone && options.AutoMigrate)
        {
            return MigrateThenReadAsync(state, read, cancellationToken);
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ValueTask<T>(readers.Read(state, read));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<T>(ex);
        }
    }

    private async ValueTask<T> MigrateThenReadAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> read, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(state, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a write on the writer connection (inline when idle, else group-committed); completes after its COMMIT.</summary>
    private ValueTask<T> WriteAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind, CancellationToken cancellationToken)
    {
        if (!migration.IsDone && options.AutoMigrate)
        {
            return MigrateThenWriteAsync(state, work, kind, cancellationToken);
        }

        return cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<T>(cancellationToken) : writer.RunAsync(state, work, kind);
    }

    private async ValueTask<T> MigrateThenWriteAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync(state, work, kind, cancellationToken).ConfigureAwait(false);
    }

    async Task<T> IRelationalConnections.RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    RelationalAdminSession IRelationalConnections.CreateAdminSession(DbConnection connection, DbTransaction transaction, DateTimeOffset now) =>
        new SqliteAdminSession((SqliteConnection)connection, (SqliteTransaction)transaction, now);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!migration.IsDone && options.AutoMigrate)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

}
