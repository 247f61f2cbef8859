using System.Diagnostics;

namespace TokenQuota.PostgreSql;

/// <summary>
/// One per-user request (a rate-window charge, a reservation or a commit) queued on <see cref="PostgreSqlUserBatchWriter"/>.
/// It names the state it needs, is judged in memory against the batch's state (after the earlier requests of its batch),
/// and records its effects in the batch; its caller's task completes only once the batch's COMMIT is known.
/// </summary>
internal abstract class PostgreSqlUserOperation(string userId, CancellationToken cancellationToken)
{
    public string UserId { get; } = userId;

    /// <summary>Gets the caller's token: honoured while the request is queued; once in a batch it runs to its end.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Gets the traced TokenQuota operation that queued the request, which learns its batch's size; or <see langword="null"/>.</summary>
    public Activity? Caller { get; } = TokenQuotaTracing.CurrentOperation();

    /// <summary>Names the rows this request reads, so the batch reads them all in one round trip.</summary>
    public abstract void Declare(PostgreSqlUserBatch batch);

    /// <summary>
    /// Judges the request and records its effects in <paramref name="batch"/>. A refusal records nothing. An exception
    /// thrown here fails the whole batch (see <see cref="PostgreSqlUserBatchWriter"/>).
    /// </summary>
    public abstract void Judge(PostgreSqlUserBatch batch);

    /// <summary>Completes the caller's task with the judged outcome, once the batch committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();

    /// <summary>Runs the request in its own transaction (a sequential caller's, or after its batch failed), completing the caller's task with what that gives.</summary>
    public abstract Task RunAloneAsync(PostgreSqlQuotaStore store);
}

/// <summary>A <see cref="PostgreSqlUserOperation"/> whose caller awaits a <typeparamref name="T"/>.</summary>
internal abstract class PostgreSqlUserOperation<T>(string userId, CancellationToken cancellationToken) : PostgreSqlUserOperation(userId, cancellationToken)
{
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;
    private Exception? refusal;

    public Task<T> Task => completion.Task;

    public sealed override void Complete()
    {
        if (refusal is not null)
        {
            completion.TrySetException(refusal);
        }
        else
        {
            completion.TrySetResult(result!);
        }
    }

    public sealed override void Fail(Exception exception) => completion.TrySetException(exception);

    public sealed override void Cancel() => completion.TrySetCanceled(CancellationToken);

    public sealed override async Task RunAloneAsync(PostgreSqlQuotaStore store)
    {
        try
        {
            completion.TrySetResult(await RunAloneCoreAsync(store).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
        }
    }

    protected abstract Task<T> RunAloneCoreAsync(PostgreSqlQuotaStore store);

    /// <summary>Sets the outcome the caller gets once the batch commits.</summary>
    protected void Judged(T outcome)
    {
        result = outcome;
        refusal = null;
    }

    /// <summary>Refuses this request alone with <paramref name="exception"/> (raised to its caller once the batch commits); it records nothing.</summary>
    protected void Refused(Exception exception) => refusal = exception;
}
