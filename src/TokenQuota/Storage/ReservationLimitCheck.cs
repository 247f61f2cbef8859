namespace TokenQuota.Storage;

/// <summary>
/// The extra limits a reservation is judged against inside its atomic step (see
/// <see cref="IQuotaStore.TryReserveWithLimitsAsync"/>). The store reads the user's counters of <see cref="Keys"/> and
/// the <see cref="Holds"/> text of each of the user's live reservations (held, not expired), and asks
/// <see cref="Admit"/>; only if it returns <see langword="true"/> does it hold the reservation, with
/// <see cref="Holds"/> stored beside it. Nothing is written to the counters at reserve: a hold counts while it lives,
/// and its commit charges what was used.
/// </summary>
/// <param name="Keys">The counter keys of the limits the reservation meets.</param>
/// <param name="Holds">What the reservation holds against each limit, in the core's text form (opaque to the store).</param>
/// <param name="Admit">The core's rule, given the stored counters and the <see cref="Holds"/> of the user's other live reservations.</param>
public sealed record ReservationLimitCheck(
    IReadOnlyList<string> Keys,
    string Holds,
    Func<IReadOnlyList<StoredLimitCounter>, IReadOnlyList<string>, bool> Admit)
{
    /// <summary>Gets the shared counters (of the user's team and organisation) to read beside <see cref="Keys"/>.</summary>
    public IReadOnlyList<SharedCounterKey> SharedKeys { get; init; } = [];

    /// <summary>
    /// Gets what the reservation holds against each shared subject: the store passes the live holds of those subjects
    /// (every member's) to <see cref="Admit"/> with the user's own, and stores these beside the reservation.
    /// </summary>
    public IReadOnlyList<SharedHold> SharedHolds { get; init; } = [];
}
