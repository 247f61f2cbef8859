using Dapper;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// The SQLite <see cref="IQuotaStore"/>: Dapper over Microsoft.Data.Sqlite, WAL, <c>synchronous=NORMAL</c>, a busy
/// timeout, usage added with one insert-or-add statement and write transactions begun immediately
/// (<c>BEGIN IMMEDIATE</c>), never upgraded from a read. Safe for many threads and for several processes on one machine.
/// </summary>
public sealed class SqliteQuotaStore : IQuotaStore
{
    private readonly SqliteQuotaStoreOptions options;
    private readonly SqliteConnectionFactory connections;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim migrationLock = new(1, 1);
    private volatile bool migrated;

    /// <summary>Creates the store. Nothing is opened until first use.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for row timestamps; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteQuotaStore(SqliteQuotaStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        connections = new SqliteConnectionFactory(options);
    }

    /// <summary>Gets the newest schema version this store knows.</summary>
    public static int LatestSchemaVersion => SqliteMigrator.LatestVersion;

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await migrationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteMigrator.MigrateAsync(connection, timeProvider.GetUtcNow(), connections.DataSource, cancellationToken).ConfigureAwait(false);
            migrated = true;
        }
        finally
        {
            migrationLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetConfigurationVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.SelectConfigVersion, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsumptionProfile>> GetProfilesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteAdminSession.ReadProfilesAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long?> GetAssignedProfileIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SqliteSql.SelectAssignment, new { userId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TokenUsageTotals> GetUsageAsync(string userId, QuotaPeriod period, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadUsageAsync(connection, null, userId, period, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TokenUsageTotals?> AddUsageAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UsageRow>(new CommandDefinition(
            SqliteSql.AddUsage,
            new { userId, period = period.Key, input = inputTokens, output = outputTokens, now = now.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : new TokenUsageTotals(row.input_tokens_used, row.output_tokens_used);
    }

    /// <inheritdoc />
    public async ValueTask<RateWindowChargeResult> TryChargeRateWindowsAsync(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        var stored = (await connection.QueryAsync<RateWindowRow>(new CommandDefinition(
            SqliteSql.SelectRateWindows, new { userId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();

        var counts = new int[windows.Count];
        var admit = true;
        for (var i = 0; i < windows.Count; i++)
        {
            var row = stored.Find(r => r.window_key == windows[i].Key);
            counts[i] = row is not null && row.window_start == windows[i].WindowStart ? (int)row.request_count : 0;
            admit &= counts[i] + 1L <= windows[i].Limit;
        }

        if (!admit)
        {
            return new RateWindowChargeResult(false, counts);
        }

        foreach (var window in windows)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                SqliteSql.ChargeRateWindow, new { userId, key = window.Key, start = window.WindowStart }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        transaction.Commit();
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i]++;
        }

        return new RateWindowChargeResult(true, counts);
    }

    /// <inheritdoc />
    public async ValueTask<ReservationAttempt> TryReserveAsync(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(admit);
        var now = reservation.CreatedAt.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(new CommandDefinition(SqliteSql.PurgeReservations, new { userId = reservation.UserId, now }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var totals = await ReadUsageAsync(connection, transaction, reservation.UserId, reservation.Period, reservation.CreatedAt, cancellationToken).ConfigureAwait(false);
        if (!admit(totals))
        {
            return new ReservationAttempt(false, totals);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                SqliteSql.InsertReservation,
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
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"The reservation request id '{reservation.RequestId}' is already in use.", ex);
        }

        transaction.Commit();
        return new ReservationAttempt(true, totals);
    }

    /// <inheritdoc />
    public async ValueTask<ReservationCommitOutcome> CommitReservationAsync(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        var row = await connection.QuerySingleOrDefaultAsync<ReservationRow>(new CommandDefinition(
            SqliteSql.SelectReservation, new { requestId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row?.state == "committed")
        {
            return ReservationCommitOutcome.AlreadyCommitted;
        }

        var owner = row?.user_id ?? userId;
        var periodKey = row?.period ?? period.Key;
        if (inputTokens > 0 || outputTokens > 0)
        {
            var added = await connection.QuerySingleOrDefaultAsync<UsageRow>(new CommandDefinition(
                SqliteSql.AddUsage, new { userId = owner, period = periodKey, input = inputTokens, output = outputTokens, now = nowMs }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (added is null)
            {
                throw new ArgumentOutOfRangeException(nameof(inputTokens), "Committing this usage would overflow the user's stored monthly total; nothing was written.");
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            SqliteSql.MarkReservationCommitted,
            new { requestId, userId = owner, period = periodKey, input = inputTokens, output = outputTokens, now = nowMs },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        transaction.Commit();
        return row is not null && row.expires_at > nowMs ? ReservationCommitOutcome.Committed : ReservationCommitOutcome.CommittedAfterExpiry;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseReservationAsync(string requestId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(SqliteSql.ReleaseReservation, new { requestId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<T> ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        var session = new SqliteAdminSession(connection, transaction, timeProvider.GetUtcNow());
        var result = await change(session, cancellationToken).ConfigureAwait(false);
        if (session.HasWrites)
        {
            await connection.ExecuteAsync(new CommandDefinition(SqliteSql.IncrementConfigVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        transaction.Commit();
        return result;
    }

    /// <inheritdoc />
    public async Task<PagedResult<QuotaAuditEntry>> QueryAuditLogAsync(QuotaAuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new
        {
            from = query.From?.ToUnixTimeMilliseconds(),
            to = query.To?.ToUnixTimeMilliseconds(),
            actor = query.Actor,
            action = query.Action,
            target = query.Target,
            offset = query.Offset,
            limit = query.Limit,
        };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.CountAudit, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(SqliteSql.SelectAuditPage, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new PagedResult<QuotaAuditEntry>(rows.Select(r => r.ToEntry()).ToArray(), total, query.Offset, query.Limit);
    }

    /// <inheritdoc />
    public async Task<PagedResult<UserAssignment>> ListAssignmentsAsync(long profileId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.CountAssignments, new { profileId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AssignmentRow>(new CommandDefinition(
            SqliteSql.SelectAssignmentsPage, new { profileId, offset, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new PagedResult<UserAssignment>(rows.Select(r => r.ToAssignment()).ToArray(), total, offset, limit);
    }

    /// <inheritdoc />
    public async Task<PagedResult<UserUsage>> GetUsageReportAsync(QuotaPeriod period, UsageSortOrder sortOrder, int offset, int limit, CancellationToken cancellationToken = default)
    {
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, SqliteSql.SelectUsagePage, SqliteSql.UsageOrderBy(sortOrder));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqliteSql.CountUsage, new { period = period.Key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UserUsageRow>(new CommandDefinition(sql, new { period = period.Key, offset, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new PagedResult<UserUsage>(rows.Select(r => r.ToUsage()).ToArray(), total, offset, limit);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PeriodUsageTotals>> GetPeriodTotalsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PeriodTotalsRow>(new CommandDefinition(SqliteSql.SelectPeriodTotals, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToTotals()).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserUsage>> GetUserUsageHistoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UserUsageRow>(new CommandDefinition(SqliteSql.SelectUserHistory, new { userId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToUsage()).ToArray();
    }

    private static async Task<TokenUsageTotals> ReadUsageAsync(SqliteConnection connection, SqliteTransaction? transaction, string userId, QuotaPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<UsageWithReservationsRow>(new CommandDefinition(
            SqliteSql.SelectUsage, new { userId, period = period.Key, now = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new TokenUsageTotals(row.input_tokens_used, row.output_tokens_used)
        {
            ReservedInputTokens = row.reserved_input_tokens,
            ReservedOutputTokens = row.reserved_output_tokens,
        };
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!migrated && options.AutoMigrate)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

#pragma warning disable SA1300, IDE1006 // Column names.
    private sealed class UsageRow
    {
        public long input_tokens_used { get; set; }

        public long output_tokens_used { get; set; }
    }

    private sealed class UsageWithReservationsRow
    {
        public long input_tokens_used { get; set; }

        public long output_tokens_used { get; set; }

        public long reserved_input_tokens { get; set; }

        public long reserved_output_tokens { get; set; }
    }

    private sealed class ReservationRow
    {
        public string user_id { get; set; } = string.Empty;

        public string period { get; set; } = string.Empty;

        public string state { get; set; } = string.Empty;

        public long expires_at { get; set; }
    }

    private sealed class RateWindowRow
    {
        public string window_key { get; set; } = string.Empty;

        public long window_start { get; set; }

        public long request_count { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
