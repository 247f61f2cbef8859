using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TokenQuota.Sqlite;

/// <summary>
/// The store's single writer connection. Concurrent writes are queued and run by one loop that drains up to
/// <see cref="MaxBatch"/> of them into one <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c> (group commit): each caller's task
/// completes only after the COMMIT that contains its write, so every write is durable on return, exactly as if it had
/// committed alone. A multi-statement write runs inside a savepoint, so a write that fails changes nothing and does not
/// disturb the others of its batch; if the transaction itself fails, every write of the batch fails.
/// </summary>
/// <remarks>
/// When nothing has been queued for <see cref="IdleGap"/> (a sequential caller), the caller runs its write inline on the
/// writer connection instead of hopping to the loop: a single statement in autocommit, several in their own
/// <c>BEGIN IMMEDIATE</c> transaction. Every <see cref="YieldEvery"/>th inline call yields first, so a caller whose
/// writes always complete synchronously cannot starve callers started from the same thread.
/// </remarks>
internal sealed class SqliteGroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 1024;
    public const int YieldEvery = 32;
    public static readonly TimeSpan IdleGap = TimeSpan.FromMicroseconds(500);

    private static readonly long IdleGapTicks = (long)(IdleGap.TotalSeconds * Stopwatch.Frequency);

    private readonly SqliteConnectionFactory factory;
    private readonly Lock gate = new();
    private readonly Channel<SqliteWriteRequest> queue = Channel.CreateUnbounded<SqliteWriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;
    private SqlitePreparedCommands? commands;
    private int queued;
    private long lastQueuedAt;
    private int inlineCalls;
    private bool disposed;

    public SqliteGroupCommitWriter(SqliteConnectionFactory factory)
    {
        this.factory = factory;
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection; the task completes after its COMMIT.</summary>
    /// <param name="state">The work's arguments.</param>
    /// <param name="work">The statements; a static lambda, so nothing is captured.</param>
    /// <param name="multiStatement">Whether the work runs several statements that must commit together.</param>
    public ValueTask<T> RunAsync<TState, T>(TState state, Func<SqlitePreparedCommands, TState, T> work, bool multiStatement)
    {
        if (IsIdle())
        {
            if (++inlineCalls % YieldEvery == 0)
            {
                return YieldThenRunAsync(state, work, multiStatement);
            }

            if (gate.TryEnter())
            {
                try
                {
                    if (Volatile.Read(ref queued) == 0)
                    {
                        return new ValueTask<T>(RunAlone(state, work, multiStatement));
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

        var request = new SqliteWriteRequest<TState, T>(state, work, multiStatement);
        Interlocked.Increment(ref queued);
        Volatile.Write(ref lastQueuedAt, Stopwatch.GetTimestamp());
        if (!queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref queued);
            return ValueTask.FromException<T>(new ObjectDisposedException(nameof(SqliteQuotaStore)));
        }

        return new ValueTask<T>(request.Task);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        lock (gate)
        {
            disposed = true;
            DropConnection();
        }
    }

    private bool IsIdle() =>
        Volatile.Read(ref queued) == 0 && Stopwatch.GetTimestamp() - Volatile.Read(ref lastQueuedAt) > IdleGapTicks;

    private async ValueTask<T> YieldThenRunAsync<TState, T>(TState state, Func<SqlitePreparedCommands, TState, T> work, bool multiStatement)
    {
        await Task.Yield();
        return await RunAsync(state, work, multiStatement).ConfigureAwait(false);
    }

    /// <summary>Runs one write by itself, under <see cref="gate"/>.</summary>
    private T RunAlone<TState, T>(TState state, Func<SqlitePreparedCommands, TState, T> work, bool multiStatement)
    {
        var connection = Connection();
        try
        {
            if (!multiStatement)
            {
                return work(connection, state);
            }

            connection.BeginImmediate();
            try
            {
                var result = work(connection, state);
                connection.Commit();
                return result;
            }
            catch
            {
                connection.Rollback();
                throw;
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            DropConnection();
            throw;
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<SqliteWriteRequest>(MaxBatch);
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            Interlocked.Add(ref queued, -batch.Count);
            Exception? failure;
            lock (gate)
            {
                failure = RunBatch(batch);
            }

            foreach (var request in batch)
            {
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

    /// <summary>Runs a batch in one transaction; returns the exception that failed the whole batch, or <see langword="null"/> once committed.</summary>
    private Exception? RunBatch(List<SqliteWriteRequest> batch)
    {
        if (disposed)
        {
            return new ObjectDisposedException(nameof(SqliteQuotaStore));
        }

        SqlitePreparedCommands connection;
        try
        {
            connection = Connection();
            if (batch.Count == 1 && !batch[0].MultiStatement)
            {
                // Autocommit: one statement is its own transaction.
                RunOne(connection, batch[0]);
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
                RunOne(connection, request);
            }

            connection.Commit();
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

    /// <summary>
    /// Runs one request inside the open transaction (or alone in autocommit). A failure of the request's own work is
    /// kept on the request; a failure that broke the transaction is thrown.
    /// </summary>
    private static void RunOne(SqlitePreparedCommands connection, SqliteWriteRequest request)
    {
        var inTransaction = connection.InTransaction;
        if (request.MultiStatement && inTransaction)
        {
            connection.Savepoint();
            try
            {
                request.Execute(connection);
                connection.ReleaseSavepoint();
            }
            catch (Exception) when (connection.InTransaction)
            {
                connection.RollbackToSavepoint();
            }

            return;
        }

        try
        {
            request.Execute(connection);
        }
        catch (Exception ex) when (!inTransaction && IsConnectionFailure(ex))
        {
            throw;
        }
        catch (Exception) when (!inTransaction || connection.InTransaction)
        {
            // The statement failed alone (SQLite undid just that statement); the request carries the error.
        }
    }

    private SqlitePreparedCommands Connection()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return commands ??= new SqlitePreparedCommands(factory.Open());
    }

    private void DropConnection()
    {
        commands?.Dispose();
        commands = null;
    }

    /// <summary>Whether an exception may have left the connection unusable (anything from SQLite but a constraint violation).</summary>
    private static bool IsConnectionFailure(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: not 19 } || exception.InnerException is SqliteException { SqliteErrorCode: not 19 };
}
