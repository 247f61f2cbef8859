namespace TokenQuota.Relational;

/// <summary>A stored reservation's identity, state and amounts, for store implementations.</summary>
internal sealed class ReservationRow
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

    /// <summary>Gets or sets the input tokens: the estimate while held, the actual amount once committed.</summary>
    public long InputTokens { get; set; }

    /// <summary>Gets or sets the output tokens: the estimate while held, the actual amount once committed.</summary>
    public long OutputTokens { get; set; }

    /// <summary>
    /// The outcome a store reports once a commit's usage is written: <see cref="ReservationCommitOutcome.Committed"/>
    /// when the reservation was stored and still live at <paramref name="nowMs"/>, otherwise
    /// <see cref="ReservationCommitOutcome.CommittedAfterExpiry"/>.
    /// </summary>
    /// <param name="storedExpiresAt">The stored reservation's expiry in Unix milliseconds, or <see langword="null"/> when it is unknown.</param>
    /// <param name="nowMs">The commit time in Unix milliseconds.</param>
    /// <returns>The outcome.</returns>
    public static ReservationCommitOutcome CommitOutcome(long? storedExpiresAt, long nowMs) =>
        storedExpiresAt is { } expiresAt && expiresAt > nowMs ? ReservationCommitOutcome.Committed : ReservationCommitOutcome.CommittedAfterExpiry;
}
