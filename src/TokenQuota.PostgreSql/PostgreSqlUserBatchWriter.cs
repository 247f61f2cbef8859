using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace TokenQuota.PostgreSql;

/// <summary>
/// Group commit for the per-user steps that judge before they write: rate-window charges, reservations and commits.
/// Concurrent requests are queued; one loop drains up to <see cref="MaxBatch"/> of them into one transaction: BEGIN,
/// the advisory locks of the batch's users (sorted) and every row the requests read, in one <see cref="NpgsqlBatch"/>;
/// then the requests are judged one after another in memory, each seeing the effects of the earlier ones
/// (<see cref="PostgreSqlUserBatch"/>); then every effect is written with the COMMIT.
/// </summary>
/// <remarks>
/// <para>
/// A batch's writes and COMMIT travel in the same round trip as the reads of the next batch (the requests queued
/// meanwhile), so under load each batch costs one round trip; when nothing is queued the writes go at once. A
/// sequential caller (no batch running, nothing queued for <see cref="IdleGap"/>, no other caller alone) runs its request
/// itself in its own transaction, as a request of a failed batch does: no hop to the loop and back, no batch to build.
/// </para>
/// <para>
/// Each caller's task completes only after the COMMIT holding its write; a refused request writes nothing. If the server
/// refuses a statement (for example a request id another instance took meanwhile, or an overflowing total), the
/// transaction rolls back and its requests run again one by one, each in its own transaction, so only the one at
/// fault fails. If the connection breaks, every request whose COMMIT was not confirmed fails; none reports success.
/// The locks are the transaction-scoped advisory locks the single-request transactions take, so batches of any number
/// of processes and those transactions exclude each other per user.
/// </para>
/// </remarks>
internal sealed class PostgreSqlUserBatchWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;
    public static readonly TimeSpan IdleGap = TimeSpan.FromMicroseconds(500);

    private static readonly long IdleGapTicks = (long)(IdleGap.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Follows a COMMIT in the same round trip: its row set arrives only if every command before it succeeded.</summary>
    private const string CommittedMarker = "SELECT 1";

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgreSqlUserBatchStatements sql;
    private readonly PostgreSqlQuotaStore store;
    private readonly Channel<PostgreSqlUserOperation> queue = Channel.CreateUnbounded<PostgreSqlUserOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;

    private NpgsqlConnection? connection;
    private int queued;
    private long lastActiveAt;
    private volatile bool batching;
    private int aloneBusy;
    private volatile bool disposed;

    public PostgreSqlUserBatchWriter(NpgsqlDataSource dataSource, PostgreSqlUserBatchStatements sql, PostgreSqlQuotaStore store)
    {
        this.dataSource = dataSource;
        this.sql = sql;
        this.store = store;
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Runs the request (alone when the writer is idle, else in a batch); completes after the COMMIT holding it, with its outcome.</summary>
    public Task<T> RunAsync<T>(PostgreSqlUserOperation<T> operation)
    {
        if (disposed)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(PostgreSqlQuotaStore)));
        }

        if (operation.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(operation.CancellationToken);
        }

        if (!batching
            && Volatile.Read(ref queued) == 0
            && Stopwatch.GetTimestamp() - Volatile.Read(ref lastActiveAt) > IdleGapTicks
            && Interlocked.CompareExchange(ref aloneBusy, 1, 0) == 0)
        {
            return RunAloneAsync(operation);
        }

        Interlocked.Increment(ref queued);
        Volatile.Write(ref lastActiveAt, Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(operation))
        {
            Interlocked.Decrement(ref queued);
            return Task.FromException<T>(new ObjectDisposedException(nameof(PostgreSqlQuotaStore)));
        }

        return operation.Task;
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        await DropConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>Runs the request in its own transaction; one caller at a time, so concurrent callers queue and are batched.</summary>
    private async Task<T> RunAloneAsync<T>(PostgreSqlUserOperation<T> operation)
    {
        try
        {
            await operation.RunAloneAsync(store).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref aloneBusy, 0);
        }

        return await operation.Task.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var reader = queue.Reader;
        JudgedBatch? judged = null;
        while (judged is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Callers that come while batches run join the next batch rather than take the users' locks alone.
            batching = true;
            judged = await RoundTripAsync(judged, Drain(reader)).ConfigureAwait(false);
            Volatile.Write(ref lastActiveAt, Stopwatch.GetTimestamp());
            batching = judged is not null;
        }
    }

    private List<PostgreSqlUserOperation> Drain(ChannelReader<PostgreSqlUserOperation> reader)
    {
        var next = new List<PostgreSqlUserOperation>();
        while (next.Count < MaxBatch && reader.TryRead(out var operation))
        {
            Interlocked.Decrement(ref queued);
            if (operation.CancellationToken.IsCancellationRequested)
            {
                operation.Cancel();
            }
            else
            {
                next.Add(operation);
            }
        }

        return next;
    }

    /// <summary>
    /// One round trip: the writes and COMMIT of <paramref name="judged"/> (if any), then the reads of
    /// <paramref name="next"/> (if any), which it judges; returns it with its transaction open, or <see langword="null"/>.
    /// </summary>
    private async Task<JudgedBatch?> RoundTripAsync(JudgedBatch? judged, List<PostgreSqlUserOperation> next)
    {
        if (judged is null && next.Count == 0)
        {
            return null;
        }

        var state = next.Count > 0 ? new PostgreSqlUserBatch(sql) : null;
        foreach (var operation in next)
        {
            operation.Caller?.SetTag(TokenQuotaTracing.BatchSizeTag, next.Count);
            operation.Declare(state!);
        }

        var committed = judged is null;
        try
        {
            connection ??= await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var trip = new NpgsqlBatch(connection);
            if (judged is not null)
            {
                judged.State.AddWrites(trip);
                trip.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }

            if (state is null)
            {
                await trip.ExecuteNonQueryAsync().ConfigureAwait(false);
                committed = true;
            }
            else
            {
                if (judged is not null)
                {
                    trip.BatchCommands.Add(new NpgsqlBatchCommand(CommittedMarker));
                }

                state.AddReads(trip);
                await using var results = await trip.ExecuteReaderAsync().ConfigureAwait(false);
                var rows = new PostgreSqlRowSets(results);
                if (judged is not null)
                {
                    await rows.NextAsync().ConfigureAwait(false);
                    committed = true;
                }

                await state.ReadAsync(rows).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            if (judged is not null && committed)
            {
                Complete(judged.Operations);
            }

            await FailAsync(committed ? next : [.. judged!.Operations, .. next], ex).ConfigureAwait(false);
            return null;
        }

        if (judged is not null)
        {
            Complete(judged.Operations);
        }

        if (state is null)
        {
            return null;
        }

        try
        {
            foreach (var operation in next)
            {
                operation.Judge(state);
            }
        }
        catch (Exception ex)
        {
            await FailAsync(next, ex).ConfigureAwait(false);
            return null;
        }

        return new JudgedBatch(next, state);
    }

    private static void Complete(List<PostgreSqlUserOperation> operations)
    {
        foreach (var operation in operations)
        {
            operation.Complete();
        }
    }

    /// <summary>Ends the failed transaction, then runs each request again alone (the server refused a statement) or fails it.</summary>
    private async Task FailAsync(List<PostgreSqlUserOperation> operations, Exception exception)
    {
        if (exception is PostgresException or OverflowException)
        {
            // Rolled back, nothing of these requests written: each alone gets the outcome it would have had.
            await RollbackAsync().ConfigureAwait(false);
            foreach (var operation in operations)
            {
                await operation.RunAloneAsync(store).ConfigureAwait(false);
            }

            return;
        }

        // The connection broke (a COMMIT's fate may be unknown) or the batch could not be judged: no request reports
        // success.
        if (exception is NpgsqlException)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            dataSource.Clear();
        }
        else
        {
            await RollbackAsync().ConfigureAwait(false);
        }

        foreach (var operation in operations)
        {
            operation.Fail(exception);
        }
    }

    /// <summary>Ends a failed transaction (a no-op when the server already ended it); a connection that cannot is dropped.</summary>
    private async Task RollbackAsync()
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            await DropConnectionAsync().ConfigureAwait(false);
        }
    }

    private async Task DropConnectionAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }

    /// <summary>A batch read and judged, its transaction open on the writer's connection, its writes not yet sent.</summary>
    private sealed record JudgedBatch(List<PostgreSqlUserOperation> Operations, PostgreSqlUserBatch State);
}
