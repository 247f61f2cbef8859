using System.Diagnostics;

namespace TokenQuota.Sqlite;

/// <summary>
/// One write handed to <see cref="SqliteGroupCommitWriter"/>: the work to run on the writer connection, and the task
/// its caller awaits, completed only after the COMMIT that contains the work (continuations run asynchronously, never
/// on the writer).
/// </summary>
internal abstract class SqliteWriteRequest
{
    protected SqliteWriteRequest(SqliteWriteAtomicity kind)
    {
        Kind = kind;
        Caller = TokenQuotaTracing.CurrentOperation();
    }

    /// <summary>Gets the traced TokenQuota operation that queued the write, which learns its batch's size; or <see langword="null"/>.</summary>
    public Activity? Caller { get; }

    /// <summary>Gets how the work is kept atomic: alone, in a savepoint, or by its batch's transaction.</summary>
    public SqliteWriteAtomicity Kind { get; }

    /// <summary>Gets the exception the work itself threw (it changed nothing), or <see langword="null"/>.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Runs the work, keeping its result or the exception it threw.</summary>
    public void Execute(SqliteHotPathConnection commands)
    {
        try
        {
            Run(commands);
        }
        catch (Exception ex)
        {
            Error = ex;
            throw;
        }
    }

    /// <summary>Completes the caller's task with the result, or with <see cref="Error"/> when the work failed.</summary>
    public abstract void Complete();

    /// <summary>Fails the caller's task: the transaction that held the work did not commit.</summary>
    public abstract void Fail(Exception exception);

    protected abstract void Run(SqliteHotPathConnection commands);
}

/// <summary>A write of <typeparamref name="TState"/> returning <typeparamref name="T"/>.</summary>
internal sealed class SqliteWriteRequest<TState, T>(TState state, Func<SqliteHotPathConnection, TState, T> work, SqliteWriteAtomicity kind)
    : SqliteWriteRequest(kind)
{
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public Task<T> Task => completion.Task;

    public override void Complete()
    {
        if (Error is { } error)
        {
            completion.TrySetException(error);
        }
        else
        {
            completion.TrySetResult(result!);
        }
    }

    public override void Fail(Exception exception) => completion.TrySetException(exception);

    protected override void Run(SqliteHotPathConnection commands) => result = work(commands, state);
}
