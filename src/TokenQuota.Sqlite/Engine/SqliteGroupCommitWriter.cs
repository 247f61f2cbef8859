using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// The store's single writer connection. Concurrent writes are queued and run by one dedicated writer thread that drains up to
/// <see cref="MaxBatch"/> of them into one <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c> (group commit): each caller's task
/// completes only after the COMMIT that contains its write, so every write is durable on return, exactly as if it had
/// committed alone. A multi-statement write that may fail on its own runs inside a savepoint, so it changes nothing and
/// does not disturb the others of its batch; one that fails only with its transaction runs without one (see
/// <see cref="SqliteWriteAtomicity"/>). If the transaction itself fails, every write of the batch fails.
/// </summary>
/// <remarks>
/// When nothing has been queued, and no batch committed, for <see cref="IdleGap"/> (a sequential caller), the caller runs its write inline on the
/// writer connection instead of hopping to the loop: a single statement in autocommit, several in their own
/// <c>BEGIN IMMEDIATE</c> transaction. Every <see cref="YieldEvery"/>th inline call yields first, so a caller whose
/// writes always complete synchronously cannot starve callers started from the same thread.
/// Every write transaction (a batch, or an inline write) first checks that the database file is still the file at its
/// path (<see cref="SqliteDatabaseFileCheck"/>): if it was removed or replaced, the writes fail instead of going into an
/// unlinked file, the connections are dropped, and the next write reopens the path.
/// </remarks>
internal sealed class SqliteGroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 1024;
    public const int YieldEvery = 32;
    public static readonly TimeSpan IdleGap = TimeSpan.FromMicroseconds(500);

    private static readonly long IdleGapTicks = (long)(IdleGap.TotalSeconds * Stopwatch.Frequency);

    private readonly SqliteConnectionFactory factory;
    private readonly Action fileMoved;
    private readonly SqliteCheckpointer checkpointer;
    private readonly Lock gate = new();
    private readonly ConcurrentQueue<SqliteWriteRequest> queue = new();
    private readonly ManualResetEventSlim wake = new(false, spinCount: 200);
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteHotPathConnection? commands;
    private int queued;
    private long lastBusyAt;
    private int inlineCalls;
    private volatile bool closing;
    private volatile bool exited;
    private bool disposed;

    /// <param name="factory">Opens the writer connection.</param>
    /// <param name="fileMoved">Called when the database file was found removed or replaced (drops the readers' connections).</param>
    public SqliteGroupCommitWriter(SqliteConnectionFactory factory, Action fileMoved)
    {
        this.factory = factory;
        this.fileMoved = fileMoved;
        checkpointer = new SqliteCheckpointer(factory);
        var thread = new Thread(Loop) { IsBackground = true, Name = "TokenQuota SQLite writer" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection; the task completes after its COMMIT.</summary>
    /// <param name="state">The work's arguments.</param>
    /// <param name="work">The statements; a static lambda, so nothing is captured.</param>
    /// <param name="kind">How the work is kept atomic (see <see cref="SqliteWriteAtomicity"/>).</param>
    public ValueTask<T> RunAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind)
    {
        if (IsIdle())
        {
            if (++inlineCalls % YieldEvery == 0)
            {
                return YieldThenRunAsync(state, work, kind);
            }

            if (gate.TryEnter())
            {
                try
                {
                    if (Volatile.Read(ref queued) == 0)
                    {
                        return new ValueTask<T>(RunAlone(state, work, kind));
                    }
                }
                catch (Exception ex)
                {
                    return ValueTask.FromException<T>(ex);
                }
                finally
                {
                    gate.Exit();
                }
            }
        }

        if (closing)
        {
            return ValueTask.FromException<T>(new ObjectDisposedException(nameof(SqliteQuotaStore)));
        }

        var request = new SqliteWriteRequest<TState, T>(state, work, kind);
        Interlocked.Increment(ref queued);
        Volatile.Write(ref lastBusyAt, Stopwatch.GetTimestamp());
        queue.Enqueue(request);
        try
        {
            wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // The store was disposed meanwhile; the check below fails the write.
        }

        if (exited)
        {
            // Disposed while this write was being queued: the writer thread is gone, so nothing will run it.
            FailQueued();
        }

        return new ValueTask<T>(request.Task);
    }

    public async ValueTask DisposeAsync()
    {
        closing = true;
        wake.Set();
        await stopped.Task.ConfigureAwait(false);
        lock (gate)
        {
            disposed = true;
            DropConnection();
            checkpointer.Dispose();
        }

        wake.Dispose();
    }

    private bool IsIdle() =>
        Volatile.Read(ref queued) == 0 && Stopwatch.GetTimestamp() - Volatile.Read(ref lastBusyAt) > IdleGapTicks;

    private async ValueTask<T> YieldThenRunAsync<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind)
    {
        await Task.Yield();
        return await RunAsync(state, work, kind).ConfigureAwait(false);
    }

    /// <summary>Runs one write by itself, under <see cref="gate"/>.</summary>
    private T RunAlone<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind)
    {
        var connection = Connection();
        try
        {
            CheckFile(connection);
            if (kind == SqliteWriteAtomicity.SingleStatement)
            {
                var single = work(connection, state);
                checkpointer.Committed();
                return single;
            }

            connection.BeginImmediate();
            try
            {
                var result = work(connection, state);
                connection.Commit();
                checkpointer.Committed();
                return result;
            }
            catch
            {
                connection.Rollback();
                throw;
            }
        }
        catch (Exception ex) when (SqliteWriteBatch.IsConnectionFailure(ex))
        {
            DropConnection();
            throw;
        }
    }

    /// <summary>Fails the write transaction about to begin if the database file was removed or replaced under the connection.</summary>
    private void CheckFile(SqliteHotPathConnection connection)
    {
        try
        {
            SqliteDatabaseFileCheck.ThrowIfMoved(connection.Connection);
        }
        catch (IOException)
        {
            // Every connection of the pool has the old file open: none may be reused.
            SqliteConnection.ClearPool(connection.Connection);
            DropConnection();
            fileMoved();
            throw;
        }
    }

    /// <summary>The writer thread: drains up to <see cref="MaxBatch"/> queued writes into each transaction.</summary>
    private void Loop()
    {
        var batch = new List<SqliteWriteRequest>(MaxBatch);
        try
        {
            while (true)
            {
                while (batch.Count < MaxBatch && queue.TryDequeue(out var request))
                {
                    batch.Add(request);
                }

                if (batch.Count == 0)
                {
                    wake.Reset();
                    if (!queue.IsEmpty)
                    {
                        continue;
                    }

                    if (closing)
                    {
                        return;
                    }

                    wake.Wait();
                    continue;
                }

                Interlocked.Add(ref queued, -batch.Count);
                Exception? failure;
                lock (gate)
                {
                    failure = RunBatch(batch);
                }

                // The callers of this batch are about to write again: until they have been gone for IdleGap, they queue
                // for the next batch rather than each committing alone inline.
                Volatile.Write(ref lastBusyAt, Stopwatch.GetTimestamp());

                // Each caller's continuation runs on the thread pool (RunContinuationsAsynchronously), never here.
                foreach (var request in batch)
                {
                    request.Caller?.SetTag(TokenQuotaTracing.BatchSizeTag, batch.Count);
                    if (failure is null)
                    {
                        request.Complete();
                    }
                    else
                    {
                        request.Fail(failure);
                    }
                }

                batch.Clear();
            }
        }
        finally
        {
            exited = true;
            FailQueued();
            stopped.TrySetResult();
        }
    }

    /// <summary>Fails the writes queued after the writer thread stopped.</summary>
    private void FailQueued()
    {
        while (queue.TryDequeue(out var late))
        {
            Interlocked.Decrement(ref queued);
            late.Fail(new ObjectDisposedException(nameof(SqliteQuotaStore)));
        }
    }

    /// <summary>Runs a batch in one transaction; returns the exception that failed the whole batch, or <see langword="null"/> once committed.</summary>
    private Exception? RunBatch(List<SqliteWriteRequest> batch)
    {
        if (disposed)
        {
            return new ObjectDisposedException(nameof(SqliteQuotaStore));
        }

        SqliteHotPathConnection connection;
        try
        {
            connection = Connection();
            CheckFile(connection);
            if (batch.Count == 1 && batch[0].Kind == SqliteWriteAtomicity.SingleStatement)
            {
                // Autocommit: one statement is its own transaction.
                SqliteWriteBatch.Run(connection, batch[0]);
                checkpointer.Committed();
                return null;
            }

            connection.BeginImmediate();
        }
        catch (Exception ex)
        {
            DropConnection();
            return ex;
        }

        try
        {
            foreach (var request in batch)
            {
                SqliteWriteBatch.Run(connection, request);
            }

            connection.Commit();
            checkpointer.Committed();
            return null;
        }
        catch (Exception ex)
        {
            // The transaction failed as a whole (SQLite rolled it back, a savepoint could not be undone, or COMMIT
            // failed): none of the batch's writes is durable, so none of its callers may see success.
            try
            {
                connection.Rollback();
            }
            catch (SqliteException)
            {
            }

            DropConnection();
            return ex;
        }
    }

    private SqliteHotPathConnection Connection()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return commands ??= new SqliteHotPathConnection(factory.Open(writer: true));
    }

    private void DropConnection()
    {
        commands?.Dispose();
        commands = null;
    }
}
