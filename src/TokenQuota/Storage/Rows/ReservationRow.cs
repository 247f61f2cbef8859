namespace TokenQuota.Storage;

/// <summary>A stored reservation's identity and state, for store implementations.</summary>
public sealed class ReservationRow
{
    /// <summary>The <see cref="State"/> of a held reservation.</summary>
    public const string HeldState = "held";

    /// <summary>The <see cref="State"/> of a committed reservation.</summary>
    public const string CommittedState = "committed";

    /// <summary>Gets or sets the user id.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Gets or sets the period key.</summary>
    public string Period { get; set; } = string.Empty;

    /// <summary>Gets or sets the state: <see cref="HeldState"/> or <see cref="CommittedState"/>.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>Gets or sets the expiry time in Unix milliseconds.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>Decides the outcome of committing this row at <paramref name="nowMs"/> (<see langword="null"/> row = unknown reservation).</summary>
    /// <param name="row">The stored row, or <see langword="null"/>.</param>
    /// <param name="nowMs">The commit time in Unix milliseconds.</param>
    /// <returns>The outcome the store reports once the usage is written.</returns>
    public static ReservationCommitOutcome CommitOutcome(ReservationRow? row, long nowMs) =>
        row is null || row.ExpiresAt <= nowMs ? ReservationCommitOutcome.CommittedAfterExpiry : ReservationCommitOutcome.Committed;
}
