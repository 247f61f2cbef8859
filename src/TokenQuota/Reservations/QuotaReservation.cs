using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>
/// An estimate held in the store for one LLM call. Commit the actual usage with <see cref="CommitAsync"/>; otherwise
/// dispose it (or let the token given to <see cref="ITokenQuotaChecker.ReserveAsync"/> be cancelled) to release it.
/// A reservation whose process died stops counting when its TTL passes.
/// </summary>
/// <remarks>Safe to use from several threads: exactly one of commit and release wins.</remarks>
public sealed class QuotaReservation : IAsyncDisposable
{
    private const int HeldState = 0;
    private const int BusyState = 1;
    private const int CommittedState = 2;
    private const int ReleasedState = 3;

    private readonly ReservationCoordinator coordinator;
    private CancellationTokenRegistration cancellationRegistration;
    private int state;

    internal QuotaReservation(ReservationCoordinator coordinator, NewReservation reservation, bool failedOpen)
    {
        this.coordinator = coordinator;
        RequestId = reservation.RequestId;
        UserId = reservation.UserId;
        Period = reservation.Period;
        EstimatedInputTokens = reservation.InputTokens;
        EstimatedOutputTokens = reservation.OutputTokens;
        ExpiresAt = reservation.ExpiresAt;
        ModelId = reservation.ModelId;
        FailedOpen = failedOpen;
    }

    /// <summary>Gets the request id that makes the commit idempotent.</summary>
    public string RequestId { get; }

    /// <summary>Gets the user the reservation is for.</summary>
    public string UserId { get; }

    /// <summary>Gets the period the usage is charged to (the period in which the reservation was made).</summary>
    public QuotaPeriod Period { get; }

    /// <summary>Gets the input tokens held.</summary>
    public long EstimatedInputTokens { get; }

    /// <summary>Gets the output tokens held.</summary>
    public long EstimatedOutputTokens { get; }

    /// <summary>Gets the model the reservation is for (<see cref="QuotaReservationOptions.ModelId"/>), or <see langword="null"/>.</summary>
    public string? ModelId { get; }

    /// <summary>Gets when the store stops counting the reservation unless it is committed or released.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Gets whether the store failed while reserving and the call was allowed only because of <see cref="FailureMode.FailOpen"/>.</summary>
    public bool FailedOpen { get; }

    /// <summary>Gets where the reservation is in its life.</summary>
    public QuotaReservationState State => Volatile.Read(ref state) switch
    {
        CommittedState => QuotaReservationState.Committed,
        ReleasedState => QuotaReservationState.Released,
        _ => QuotaReservationState.Held,
    };

    /// <summary>
    /// Replaces the held estimate with the actual usage, atomically and idempotently: calling it again, or retrying
    /// after an error, never counts twice. Usage above the estimate is recorded in full (it happened).
    /// </summary>
    /// <param name="actualInputTokens">The input tokens the call actually used (≥ 0).</param>
    /// <param name="actualOutputTokens">The output tokens the call actually used (≥ 0).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the store did.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative or too large; nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The reservation was released, or another commit or release is in progress.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies; the reservation stays held and the commit can be retried.</exception>
    public ValueTask<ReservationCommitOutcome> CommitAsync(long actualInputTokens, long actualOutputTokens, CancellationToken cancellationToken = default)
    {
        TokenCounts.Validate(actualInputTokens);
        TokenCounts.Validate(actualOutputTokens);
        return CommitCallAsync(new CallUsage { InputTokens = actualInputTokens, OutputTokens = actualOutputTokens }, cancellationToken);
    }

    /// <summary>
    /// Replaces the held estimate with what the call used, with its detail, as <see cref="CommitAsync"/> does: cached
    /// input and reasoning tokens priced apart where the catalogue does, and the call added to the user's usage by model
    /// (<see cref="CallUsage.ModelId"/>, else <see cref="ModelId"/>).
    /// </summary>
    /// <param name="usage">What the call used.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the store did.</returns>
    /// <exception cref="ArgumentException">A count or the model id is not acceptable; nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The reservation was released, or another commit or release is in progress.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies; the reservation stays held and the commit can be retried.</exception>
    public async ValueTask<ReservationCommitOutcome> CommitCallAsync(CallUsage usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        usage.Validate();
        switch (Interlocked.CompareExchange(ref state, BusyState, HeldState))
        {
            case CommittedState:
                return ReservationCommitOutcome.AlreadyCommitted;
            case ReleasedState:
                throw new InvalidOperationException($"Reservation {RequestId} was released; its usage can no longer be committed. Record it with RecordAsync instead.");
            case BusyState:
                throw new InvalidOperationException($"Reservation {RequestId} is being committed or released by another caller.");
        }

        try
        {
            var outcome = await coordinator.CommitAsync(this, usage, cancellationToken).ConfigureAwait(false);
            if (outcome == ReservationCommitOutcome.NotRecordedFailedOpen)
            {
                // Nothing was recorded: the reservation stays held, so a retry can still record the usage.
                Volatile.Write(ref state, HeldState);
                return outcome;
            }

            Volatile.Write(ref state, CommittedState);
            await cancellationRegistration.DisposeAsync().ConfigureAwait(false);
            return outcome;
        }
        catch
        {
            Volatile.Write(ref state, HeldState);
            throw;
        }
    }

    /// <summary>Releases the reservation without usage: its estimate stops counting at once. Does nothing if already committed or released.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when released.</returns>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies; the TTL still bounds the hold.</exception>
    public async ValueTask ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref state, BusyState, HeldState) != HeldState)
        {
            return;
        }

        try
        {
            await coordinator.ReleaseAsync(this, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref state, ReleasedState);
            await cancellationRegistration.DisposeAsync().ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref state, HeldState);
            throw;
        }
    }

    /// <summary>Releases the reservation if it was neither committed nor released. Never throws: a failed release is logged, and the TTL bounds the hold.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TokenQuotaException or InvalidOperationException)
        {
            coordinator.ReleaseFailed(this, ex);
        }
    }

    internal void ReleaseWhenCancelled(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            cancellationRegistration = cancellationToken.Register(static s => _ = ((QuotaReservation)s!).DisposeAsync().AsTask(), this);
        }
    }
}
