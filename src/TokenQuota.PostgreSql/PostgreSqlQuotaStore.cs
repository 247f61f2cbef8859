using System.Data.Common;
using Dapper;
using Npgsql;
using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// The PostgreSQL <see cref="IQuotaStore"/>, for many application instances sharing one quota state. Usage is added by
/// one insert-or-add statement; rate windows, reservations and administrative changes each run in one transaction
/// serialised by a transaction-scoped advisory lock (per user, or one for administration), so limits hold across
/// instances. Connections come from a pooled <see cref="NpgsqlDataSource"/>; after a connection failure the pool is
/// cleared, so the store recovers by itself when the server comes back.
/// </summary>
public sealed partial class PostgreSqlQuotaStore : IRelationalQuotaStore, IAsyncDisposable, IDisposable, IRelationalConnections
{
    private readonly PostgreSqlQuotaStoreOptions options;
    private readonly NpgsqlDataSource dataSource;
    private readonly PostgreSqlStatements sql;
    private readonly PostgreSqlUsageCommands usage;
    private readonly PostgreSqlGroupCommitWriter writer;
    private readonly PostgreSqlUserBatchWriter batches;
    private readonly PostgreSqlUsageReader reader;
    private readonly TimeProvider timeProvider;
    private readonly MigrationGate migration = new();
    private readonly ReservationRetention retention;
    private readonly RelationalAdministration administration;
    private readonly RelationalReports reports;

    /// <summary>Creates the store. Nothing is opened until first use.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps and reservation expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlQuotaStore(PostgreSqlQuotaStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgreSqlQuotaStoreOptionsValidator.ThrowIfInvalid(options);
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds)),
        };
        if (builder.MaxAutoPrepare == 0)
        {
            // Statements run a few times on a pooled connection become server-side prepared statements.
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        // The store's data source is its own and never changes session state (advisory locks are transaction-scoped),
        // so a pooled connection needs no reset round trip when it is returned.
        builder.NoResetOnClose = true;

        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        sql = new PostgreSqlStatements(options.Schema);
        usage = new PostgreSqlUsageCommands(options.Schema);
        retention = new ReservationRetention(
            this.timeProvider,
            async (cutoff, limit, ct) => await RunAsync(c => c.ExecuteAsync(Command(sql.PurgeCommittedReservations, new { cutoff, limit }, null, ct)), ct).ConfigureAwait(false),
            SweepExpiredHoldsAsync,
            holds => ExpiredHoldsSwept?.Invoke(holds));
        writer = new PostgreSqlGroupCommitWriter(dataSource, usage);
        batches = new PostgreSqlUserBatchWriter(dataSource, new PostgreSqlUserBatchStatements(options.Schema), this);
        reader = new PostgreSqlUsageReader(dataSource, usage);
        administration = new RelationalAdministration(this, sql, this.timeProvider);
        reports = new RelationalReports(this, sql);
    }

    /// <summary>Gets the newest schema version this store knows.</summary>
    public static int LatestSchemaVersion => PostgreSqlMigrator.LatestVersion;

    /// <inheritdoc />
    public string StoreName => "postgresql";

    RelationalAdministration IRelationalQuotaStore.Administration => administration;

    RelationalReports IRelationalQuotaStore.Reports => reports;

    /// <inheritdoc />
    public Task<QuotaSchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(
            async c =>
            {
                var exists = await c.ExecuteScalarAsync<bool>(Command(sql.SchemaVersionTableExists, null, null, cancellationToken)).ConfigureAwait(false);
                var current = exists ? await c.ExecuteScalarAsync<long>(Command(sql.SelectSchemaVersion, null, null, cancellationToken)).ConfigureAwait(false) : 0;
                return new QuotaSchemaVersion(current, LatestSchemaVersion);
            },
            migrate: false,
            cancellationToken);

    /// <summary>Gets the <c>Max Auto Prepare</c> the store sets when the connection string leaves it unset.</summary>
    internal static int DefaultMaxAutoPrepare => 64;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        migration.RunAsync(
            ct => RunAsync(connection => PostgreSqlMigrator.MigrateAsync(connection, sql, options.Schema, timeProvider.GetUtcNow(), ct), migrate: false, ct),
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long> GetConfigurationVersionAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.ExecuteScalarAsync<long>(Command(sql.SelectConfigVersion, null, null, cancellationToken)), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<long?> GetAssignedProfileIdAsync(string userId, CancellationToken cancellationToken = default) =>
        await RunAsync(c => c.ExecuteScalarAsync<long?>(Command(sql.SelectAssignment, new { userId }, null, cancellationToken)), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// The totals carry the configuration version read in the same statement. Read on the store's dedicated check
    /// connection when it is free, else on a pooled connection.
    /// </remarks>
    public async ValueTask<TokenUsageTotals> GetUsageAsync(string userId, QuotaPeriod period, CancellationToken cancellationToken = default)
    {
        var nowMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if ((migration.IsDone || !options.AutoMigrate) && reader.TryTake())
        {
            try
            {
                return await reader.ReadAsync(userId, period.Key, nowMs, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (ex is not PostgresException)
            {
                // As on a pooled connection: the server went away, so the pooled connections are dropped too.
                dataSource.Clear();
                throw;
            }
        }

        return await RunAsync(c => usage.ReadUsageAsync(c, userId, period.Key, nowMs, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Concurrent additions are group-committed; each returns only after the COMMIT that holds it.</remarks>
    public async ValueTask<bool> AddUsageAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return await writer.AddAsync(userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Alone in a transaction under the user's advisory lock, so concurrent updates of the user's counters queue.</remarks>
    public async ValueTask<bool> AddUsageAndCountersAsync(string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counters);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await InUserTransactionAsync(userId, lockFirst: false, async (c, t) =>
        {
            // One round trip takes the lock, adds the usage and reads the counters; a refusal leaves the transaction
            // uncommitted, so the addition rolls back with it.
            List<LimitCounterRow> read;
            var add = usage.CreateAddUsage(userId, period.Key, inputTokens, outputTokens, now.ToUnixTimeMilliseconds());
            await using (var batch = new NpgsqlBatch(c, t))
            {
                batch.BatchCommands.Add(UserLock(userId));
                batch.BatchCommands.Add(add);
                AddCounterReads(batch, userId, counters.Keys, counters.SharedKeys);
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (reader.FieldCount != LimitCounterColumns && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }

                read = await ReadLimitCountersAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            return add.RecordsAffected == 1 && await WriteCountersAsync(c, t, userId, counters, read, cancellationToken).ConfigureAwait(false)
                ? (true, true)
                : (false, false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Alone in a transaction under the user's advisory lock (the extra limits are read and written there).</remarks>
    public async ValueTask<RateWindowChargeResult> TryChargeRateWindowsAndCountersAsync(string userId, IReadOnlyList<RateWindowCharge> windows, LimitCounterUpdate counters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(counters);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await ChargeRateWindowsAloneAsync(userId, windows, counters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inside the user's transaction: reads the counters and writes what the core returns; false when it refused (nothing written).</summary>
    private async Task<bool> ApplyCountersAsync(NpgsqlConnection c, NpgsqlTransaction t, string userId, LimitCounterUpdate counters, CancellationToken cancellationToken)
    {
        List<LimitCounterRow> read;
        await using (var select = new NpgsqlBatch(c, t))
        {
            AddCounterReads(select, userId, counters.Keys, counters.SharedKeys);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (reader.FieldCount != LimitCounterColumns && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }

            read = await ReadLimitCountersAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        return await WriteCountersAsync(c, t, userId, counters, read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes, in one round trip, the counter rows the core decides from <paramref name="read"/> and the usage by model;
    /// false when the core refused (nothing written) or the cost by model would overflow (the caller does not commit).
    /// </summary>
    private async Task<bool> WriteCountersAsync(NpgsqlConnection c, NpgsqlTransaction t, string userId, LimitCounterUpdate counters, List<LimitCounterRow> read, CancellationToken cancellationToken)
    {
        if (LimitCounterRow.Applied(userId, counters, read) is not { } rows)
        {
            return false;
        }

        await using var write = new NpgsqlBatch(c, t);
        foreach (var row in rows)
        {
            write.BatchCommands.Add(Batched(
                sql.UpsertLimitCounter,
                ("UserId", row.UserId),
                ("Key", row.Key),
                ("WindowStart", row.WindowStart),
                ("WindowEnd", row.WindowEnd),
                ("Count", row.Count),
                ("State", (object?)row.State ?? DBNull.Value)));
        }

        var byModel = counters.Usage is { } used
            ? Batched(
                sql.UpsertModelUsage,
                ("UserId", userId),
                ("Period", used.Period),
                ("Model", used.ModelId),
                ("Input", used.InputTokens),
                ("CachedInput", used.CachedInputTokens),
                ("Output", used.OutputTokens),
                ("Reasoning", used.ReasoningTokens),
                ("Cost", used.CostNanoUnits))
            : null;
        if (byModel is not null)
        {
            write.BatchCommands.Add(byModel);
        }

        if (write.BatchCommands.Count > 0)
        {
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return byModel is null or { RecordsAffected: 1 };
    }

    /// <summary>The columns of <see cref="PostgreSqlStatements.SelectLimitCounters"/>, by which its result is found in a batch.</summary>
    private const int LimitCounterColumns = 6;

    // The counters' read, after the shared subjects' locks when there are any (the user's lock is already taken).
    private void AddCounterReads(NpgsqlBatch batch, string userId, IReadOnlyList<string> keys, IReadOnlyList<SharedCounterKey> shared)
    {
        var subjects = shared.Select(k => k.Subject).ToArray();
        if (subjects.Length > 0)
        {
            batch.BatchCommands.Add(Batched(sql.LockSubjects, ("subjects", subjects)));
        }

        batch.BatchCommands.Add(Batched(sql.SelectLimitCounters, ("userId", userId), ("keys", keys.ToArray()), ("subjects", subjects), ("sharedKeys", shared.Select(k => k.Key).ToArray())));
    }

    private static async Task<List<LimitCounterRow>> ReadLimitCountersAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<LimitCounterRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new LimitCounterRow
            {
                UserId = reader.GetString(0),
                Key = reader.GetString(1),
                WindowStart = reader.GetInt64(2),
                WindowEnd = reader.GetInt64(3),
                Count = reader.GetInt64(4),
                State = reader.IsDBNull(5) ? null : reader.GetString(5),
            });
        }

        return rows;
    }

    /// <inheritdoc />
    public async ValueTask<StoredLimitState> GetLimitStateAsync(string userId, IReadOnlyList<string> keys, IReadOnlyList<SharedCounterKey> sharedKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sharedKeys);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var parameters = new { userId, keys = keys.ToArray(), subjects = sharedKeys.Select(k => k.Subject).ToArray(), sharedKeys = sharedKeys.Select(k => k.Key).ToArray(), now };
        return await RunAsync(async c =>
        {
            await using var read = await c.QueryMultipleAsync(Command(sql.SelectLimitCounters + sql.SelectLiveLimitHolds + sql.SelectLiveSubjectHolds, parameters, null, cancellationToken)).ConfigureAwait(false);
            var counters = (await read.ReadAsync<LimitCounterRow>().ConfigureAwait(false)).Select(r => r.ToCounter(sharedKeys)).ToList();
            var holds = (await read.ReadAsync<string>().ConfigureAwait(false)).ToList();
            holds.AddRange(await read.ReadAsync<string>().ConfigureAwait(false));
            return new StoredLimitState(counters, holds);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Concurrent charges, reservations and commits are judged and written together, one transaction per batch (<see cref="PostgreSqlUserBatchWriter"/>).</remarks>
    public async ValueTask<RateWindowChargeResult> TryChargeRateWindowsAsync(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await batches.RunAsync(new PostgreSqlRateWindowChargeOperation(userId, windows, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A rate-window charge in its own transaction under the user's lock (a sequential caller's request, and each
    /// request of a batch whose transaction failed).
    /// </summary>
    internal async Task<RateWindowChargeResult> ChargeRateWindowsAloneAsync(string userId, IReadOnlyList<RateWindowCharge> windows, LimitCounterUpdate? counters, CancellationToken cancellationToken)
    {
        return await InUserTransactionAsync(userId, async (c, t) =>
        {
            // The user's windows and the configuration version in one round trip, inside the user's transaction.
            List<RateWindowRow> stored;
            long version;
            await using (var read = await c.QueryMultipleAsync(Command(sql.SelectRateWindowsAndConfigVersion, new { userId }, t, cancellationToken)).ConfigureAwait(false))
            {
                stored = (await read.ReadAsync<RateWindowRow>().ConfigureAwait(false)).ToList();
                version = await read.ReadSingleAsync<long>().ConfigureAwait(false);
            }

            var counts = new int[windows.Count];
            if (RateWindowRules.IsStale(windows, version))
            {
                return (false, new RateWindowChargeResult(false, counts, version));
            }

            if (!RateWindowRules.Judge(stored, windows, counts)
                || (counters is not null && !await ApplyCountersAsync(c, t, userId, counters, cancellationToken).ConfigureAwait(false)))
            {
                return (false, new RateWindowChargeResult(false, counts, version));
            }

            long? hour = null, day = null;
            foreach (var window in windows)
            {
                switch (window.Window)
                {
                    case RateLimitWindow.PromptsPerHour:
                        hour = window.WindowStart;
                        break;
                    case RateLimitWindow.PromptsPerDay:
                        day = window.WindowStart;
                        break;
                    default:
                        await c.ExecuteAsync(Command(sql.ChargeRateWindow, new { userId, key = RateWindows.StoredKey(window.Window), start = window.WindowStart }, t, cancellationToken)).ConfigureAwait(false);
                        break;
                }
            }

            if (hour is not null || day is not null)
            {
                // Both prompt windows live in the user's one row: one statement charges them together.
                await c.ExecuteAsync(Command(sql.ChargePromptWindows, new { userId, hour, day }, t, cancellationToken)).ConfigureAwait(false);
            }

            for (var i = 0; i < counts.Length; i++)
            {
                counts[i]++;
            }

            return (true, new RateWindowChargeResult(true, counts, version));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the pooled connections once the queued writes have committed.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        retention.Dispose();
        await batches.DisposeAsync().ConfigureAwait(false);
        await writer.DisposeAsync().ConfigureAwait(false);
        await reader.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
        migration.Dispose();
    }

    /// <summary>Closes the pooled connections once the queued writes have committed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static CommandDefinition Command(string statement, object? parameters, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        new(statement, parameters, transaction, cancellationToken: cancellationToken);

    private async ValueTask EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (!migration.IsDone && options.AutoMigrate)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<T> InUserTransactionAsync<T>(string userId, Func<NpgsqlConnection, NpgsqlTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken) =>
        InUserTransactionAsync(userId, lockFirst: true, work, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction holding the user's advisory lock, taken here or, when
    /// <paramref name="lockFirst"/> is false, by the first batch of the work (<see cref="UserLock"/>); commits when it says so.
    /// </summary>
    private Task<T> InUserTransactionAsync<T>(string userId, bool lockFirst, Func<NpgsqlConnection, NpgsqlTransaction, Task<(bool Commit, T Result)>> work, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (lockFirst)
            {
                await connection.ExecuteAsync(Command(sql.LockUser, new { userId }, transaction, cancellationToken)).ConfigureAwait(false);
            }

            var (commit, result) = await work(connection, transaction).ConfigureAwait(false);
            if (commit)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken);

    Task<T> IRelationalConnections.RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, cancellationToken);

    RelationalAdminSession IRelationalConnections.CreateAdminSession(DbConnection connection, DbTransaction transaction, DateTimeOffset now) =>
        new PostgreSqlAdminSession((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, sql, now);

    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, migrate: true, cancellationToken);

    private async Task RunAsync(Func<NpgsqlConnection, Task> work, bool migrate, CancellationToken cancellationToken) =>
        await RunAsync(async c =>
        {
            await work(c).ConfigureAwait(false);
            return true;
        }, migrate, cancellationToken).ConfigureAwait(false);

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, bool migrate, CancellationToken cancellationToken)
    {
        if (migrate && !migration.IsDone && options.AutoMigrate)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            // The connection broke (server stopped or restarted): drop the pooled connections so the next call opens
            // fresh ones and recovers without restarting the app.
            dataSource.Clear();
            throw;
        }
    }
}
