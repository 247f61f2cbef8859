using Npgsql;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// The check's usage read on a dedicated connection with the statement explicitly prepared, used whenever no other
/// check is using it (a sequential caller, light load): no pool rent, no command object per call. A check that finds it
/// busy reads on a pooled connection as before. A connection that failed is closed, and the next read opens a new one.
/// </summary>
internal sealed class PostgreSqlUsageReader(NpgsqlDataSource dataSource, PostgreSqlUsageCommands commands) : IAsyncDisposable
{
    private NpgsqlConnection? connection;
    private NpgsqlCommand? select;
    private int busy;

    /// <summary>Takes the dedicated connection if it is free; then call <see cref="ReadAsync"/>, which frees it.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref busy, 1, 0) == 0;

    /// <summary>Reads on the dedicated connection taken by <see cref="TryTake"/>, and frees it.</summary>
    public async Task<TokenUsageTotals> ReadAsync(string userId, string periodKey, long nowMs, CancellationToken cancellationToken)
    {
        try
        {
            if (select is null)
            {
                connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                select = commands.CreateSelectUsage(connection);
                await select.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            return await PostgreSqlUsageCommands.RunSelectUsageAsync(select, userId, periodKey, nowMs, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The connection may be broken or mid-protocol (cancelled): never reuse it.
            await DropAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Waits for a read in progress, then closes the connection; later checks use the pool (and fail once it is disposed).</summary>
    public async ValueTask DisposeAsync()
    {
        while (!TryTake())
        {
            await Task.Yield();
        }

        await DropAsync().ConfigureAwait(false);
    }

    private async Task DropAsync()
    {
        if (select is not null)
        {
            await select.DisposeAsync().ConfigureAwait(false);
            select = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }
}
