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
        var row = await connection.QuerySingleOrDefaultAsync<UsageRow>(
            new CommandDefinition(SqliteSql.SelectUsage, new { userId, period = period.Key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? default : new TokenUsageTotals(row.input_tokens_used, row.output_tokens_used);
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
    public async Task<T> ExecuteAdminChangeAsync<T>(Func<IQuotaAdminSession, CancellationToken, Task<T>> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(new CommandDefinition(SqliteSql.IncrementConfigVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var session = new SqliteAdminSession(connection, transaction, timeProvider.GetUtcNow());
        var result = await change(session, cancellationToken).ConfigureAwait(false);
        transaction.Commit();
        return result;
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

    private sealed class RateWindowRow
    {
        public string window_key { get; set; } = string.Empty;

        public long window_start { get; set; }

        public long request_count { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
