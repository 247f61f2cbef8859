namespace TokenQuota.Storage;

/// <summary>The outcome of <see cref="IQuotaStore.TryReserveAsync"/>.</summary>
/// <param name="Reserved">Whether the reservation is now held.</param>
/// <param name="Totals">The user's usage and live reservations (excluding this one) that the admission rule judged.</param>
public readonly record struct ReservationAttempt(bool Reserved, TokenUsageTotals Totals)
{
    /// <summary>
    /// Gets how many of the user's holds the store forgot in this step because their TTL had passed (lazy expiry), for
    /// the <c>tokenquota.reservations.expired</c> metric.
    /// </summary>
    public int ExpiredHoldsForgotten { get; init; }
}
