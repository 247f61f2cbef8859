using System.Threading.Channels;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// Group commit for the per-user steps that judge before they write: rate-window charges, reservations and commits.
/// Concurrent requests are queued; one loop drains up to <see cref="MaxBatch"/> of them into one transaction of two round
/// trips: BEGIN, the advisory locks of the batch's users (sorted) and every row the requests read, in one
/// <see cref="NpgsqlBatch"/>; then the requests are judged one after another in memory, each seeing the effects of the
/// earlier ones (<see cref="PostgreSqlUserBatch"/>), and every effect is written with the COMMIT in a second batch.
/// </summary>
/// <remarks>
/// <para>
/// Each caller's task completes only after the COMMIT holding its write; a refused request writes nothing. If the server
/// refuses a statement of the batch (for example a request id another instance took meanwhile, or an overflowing
/// total), the whole transaction rolls back and its requests run again one by one, each in its own transaction, so only
/// the one at fault fails. If the connection breaks, every request of the batch fails and none reports success.
/// </para>
/// <para>
/// Two batches are in flight at most, on two connections: once a batch has sent its writes, the next one is drained and
/// sends its reads, whose locks the server grants as soon as the first commits, so the wait for one COMMIT overlaps
/// the next batch's round trip. The locks are the transaction-scoped advisory locks the single-request transactions
/// take, so batches of any number of processes and those transactions exclude each other per user.
/// </para>
/// </remarks>
internal sealed class PostgreSqlUserBatchWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgreSqlUserBatchStatements sql;
    private readonly PostgreSqlQuotaStore store;
    private readonly Channel<PostgreSqlUserOperation> queue = Channel.CreateUnbounded<PostgreSqlUserOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lane[] lanes = [new(), new()];
    private readonly Task loop;

    public PostgreSqlUserBatchWriter(NpgsqlDataSource dataSource, PostgreSqlUserBatchStatements sql, PostgreSqlQuotaStore store)
    {
        this.dataSource = dataSource;
        this.sql = sql;
        this.store = store;
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues the request; completes after the COMMIT of its batch with its outcome.</summary>
    public Task<T> RunAsync<T>(PostgreSqlUserOperation<T> operation) =>
        queue.Writer.TryWrite(operation) ? operation.Task : Task.FromException<T>(new ObjectDisposedException(nameof(PostgreSqlQuotaStore)));

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        foreach (var lane in lanes)
        {
            await lane.DropConnectionAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync()
    {
        var reader = queue.Reader;
        var turn = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<PostgreSqlUserOperation>();
            while (batch.Count < MaxBatch && reader.TryRead(out var operation))
            {
                if (operation.CancellationToken.IsCancellationRequested)
                {
                    operation.Cancel();
                }
                else
                {
                    batch.Add(operation);
                }
            }

            if (batch.Count > 0)
            {
                var lane = lanes[turn++ % lanes.Length];
                await lane.Finished.ConfigureAwait(false);
                lane.Finished = await StartBatchAsync(batch, lane).ConfigureAwait(false);
            }
        }

        foreach (var lane in lanes)
        {
            await lane.Finished.ConfigureAwait(false);
        }
    }

    /// <summary>Reads and judges the batch and sends its writes; returns the task that ends when they committed (or failed) and every caller has its outcome.</summary>
    private async Task<Task> StartBatchAsync(List<PostgreSqlUserOperation> batch, Lane lane)
    {
        foreach (var operation in batch)
        {
            operation.Caller?.SetTag(TokenQuotaTracing.BatchSizeTag, batch.Count);
        }

        try
        {
            var connection = lane.Connection ??= await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            var state = new PostgreSqlUserBatch(sql);
            foreach (var operation in batch)
            {
                operation.Declare(state);
            }

            await using (var read = state.CreateRead(connection))
            {
                await state.ReadAsync(read).ConfigureAwait(false);
            }

            foreach (var operation in batch)
            {
                operation.Judge(state);
            }

            return FinishBatchAsync(batch, lane, state.CreateWrite(connection));
        }
        catch (Exception ex)
        {
            return FailAsync(batch, lane, ex);
        }
    }

    private async Task FinishBatchAsync(List<PostgreSqlUserOperation> batch, Lane lane, NpgsqlBatch write)
    {
        try
        {
            await using (write)
            {
                await write.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await FailAsync(batch, lane, ex).ConfigureAwait(false);
            return;
        }

        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    private async Task FailAsync(List<PostgreSqlUserOperation> batch, Lane lane, Exception exception)
    {
        if (exception is PostgresException or OverflowException)
        {
            // Rolled back, nothing of the batch written: each request alone gets the outcome it would have had.
            await lane.RollbackAsync().ConfigureAwait(false);
            foreach (var operation in batch)
            {
                await operation.RunAloneAsync(store).ConfigureAwait(false);
            }

            return;
        }

        // The connection broke (the COMMIT's fate may be unknown) or the batch could not be judged: no request reports
        // success.
        if (exception is NpgsqlException)
        {
            await lane.DropConnectionAsync().ConfigureAwait(false);
            dataSource.Clear();
        }
        else
        {
            await lane.RollbackAsync().ConfigureAwait(false);
        }

        foreach (var operation in batch)
        {
            operation.Fail(exception);
        }
    }

    /// <summary>A connection of the writer and the batch in flight on it.</summary>
    private sealed class Lane
    {
        public NpgsqlConnection? Connection { get; set; }

        public Task Finished { get; set; } = Task.CompletedTask;

        /// <summary>Ends a failed transaction (a no-op when the server already ended it); a connection that cannot is dropped.</summary>
        public async Task RollbackAsync()
        {
            if (Connection is null)
            {
                return;
            }

            try
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", Connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                await DropConnectionAsync().ConfigureAwait(false);
            }
        }

        public async Task DropConnectionAsync()
        {
            if (Connection is not null)
            {
                await Connection.DisposeAsync().ConfigureAwait(false);
                Connection = null;
            }
        }
    }
}
