namespace TokenQuota;

/// <summary>The outcome of <see cref="IQuotaStore.TryReserveAsync"/>.</summary>
/// <param name="Reserved">Whether the reservation is now held.</param>
/// <param name="Totals">The user's usage and live reservations (excluding this one) that the admission rule judged.</param>
public readonly record struct ReservationAttempt(bool Reserved, TokenUsageTotals Totals);
