namespace TokenQuota.Relational;

/// <summary>
/// A reservation's commit, decided from its stored row alike by every SQL store: an already committed reservation is
/// left as it is; otherwise the usage goes to the stored hold's user and period (the request's when no hold is stored),
/// the hold's estimate is taken back from the reserved total, and the reservation is marked committed, all in one
/// transaction. Each store writes those steps its own way.
/// </summary>
/// <param name="UserId">The user the usage is added to.</param>
/// <param name="Period">The period key the usage is added to.</param>
/// <param name="Hold">The held reservation whose estimate is taken back, or <see langword="null"/> when none is stored.</param>
/// <param name="AddsUsage">Whether there is usage to add (a commit of zero tokens writes only the commit mark).</param>
internal readonly record struct ReservationCommit(string UserId, string Period, StoredReservation? Hold, bool AddsUsage)
{
    /// <summary>Plans the commit of a reservation from its stored row.</summary>
    /// <returns>The commit to write, or <see langword="null"/> when the reservation is already committed (nothing to write).</returns>
    public static ReservationCommit? Plan(StoredReservation? stored, string userId, string periodKey, long inputTokens, long outputTokens) =>
        stored is { IsHeld: false }
            ? null
            : new ReservationCommit(stored?.UserId ?? userId, stored?.Period ?? periodKey, stored, inputTokens > 0 || outputTokens > 0);

    /// <summary>
    /// Gets the outcome once the commit is written: <see cref="ReservationCommitOutcome.Committed"/> when the hold was
    /// stored and still live at <paramref name="nowMs"/>, otherwise <see cref="ReservationCommitOutcome.CommittedAfterExpiry"/>.
    /// </summary>
    public ReservationCommitOutcome Outcome(long nowMs) =>
        Hold is { } hold && hold.ExpiresAt > nowMs ? ReservationCommitOutcome.Committed : ReservationCommitOutcome.CommittedAfterExpiry;

    /// <summary>The refusal of a commit whose usage would overflow the stored total (nothing is written).</summary>
    public static ArgumentOutOfRangeException UsageWouldOverflow() =>
        new("inputTokens", "Committing this usage would overflow a stored total of the user (the monthly token totals, a limit's counter or the cost by model); nothing was written.");

    /// <summary>The refusal of a reservation whose request id is already in use (nothing is written for it).</summary>
    public static DuplicateRequestIdException RequestIdInUse(string requestId) => new(requestId);
}
