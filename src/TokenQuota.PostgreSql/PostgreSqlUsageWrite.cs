using System.Diagnostics;

namespace TokenQuota.PostgreSql;

/// <summary>
/// One <c>RecordAsync</c> queued on <see cref="PostgreSqlGroupCommitWriter"/>: the addition, and the task its caller
/// awaits, completed only after the COMMIT that holds it (continuations run asynchronously, never on the writer).
/// </summary>
internal sealed class PostgreSqlUsageWrite(string userId, string periodKey, long input, long output, long nowMs)
{
    private readonly TaskCompletionSource<bool> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string UserId { get; } = userId;

    public string PeriodKey { get; } = periodKey;

    public long Input { get; } = input;

    public long Output { get; } = output;

    public long NowMs { get; } = nowMs;

    /// <summary>Gets the traced TokenQuota operation that queued the write, which learns its batch's size; or <see langword="null"/>.</summary>
    public Activity? Caller { get; } = TokenQuotaTracing.CurrentOperation();

    /// <summary>Gets or sets whether this write was applied (<see langword="false"/>: the overflow guard refused it), known once committed.</summary>
    public bool Written { get; set; }

    /// <summary>Gets or sets the error of this write alone (it was not written), or <see langword="null"/>.</summary>
    public Exception? Error { get; set; }

    public Task<bool> Task => completion.Task;

    /// <summary>Completes the caller's task with <see cref="Written"/>, or with <see cref="Error"/> when this write alone failed.</summary>
    public void Complete()
    {
        if (Error is { } error)
        {
            completion.TrySetException(error);
        }
        else
        {
            completion.TrySetResult(Written);
        }
    }

    public void Fail(Exception exception) => completion.TrySetException(exception);
}
