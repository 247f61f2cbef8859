namespace TokenQuota;

/// <summary>Options of one reservation made by <see cref="ITokenQuotaChecker.ReserveAsync"/>.</summary>
public sealed record QuotaReservationOptions
{
    /// <summary>The default time a reservation lives without being committed or released: 10 minutes.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(10);

    /// <summary>The longest time-to-live accepted: 24 hours.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets how long the reservation holds its estimate if it is neither committed nor released (for example because
    /// its process died). After it, the store stops counting it. Defaults to <see cref="DefaultTtl"/>; must be more
    /// than zero and at most <see cref="MaxTtl"/>.
    /// </summary>
    public TimeSpan Ttl { get; init; } = DefaultTtl;

    /// <summary>
    /// Gets the request id that makes <see cref="QuotaReservation.CommitAsync"/> idempotent: a retried commit with the
    /// same id never counts twice. At most 128 characters. When <see langword="null"/>, a new time-ordered GUID
    /// (version 7), so a store inserts held reservations in key order.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Gets the model the call is for (for example <c>ChatOptions.ModelId</c>): the profile's extra limits with a model
    /// filter apply only to calls for a matching model, and limits without one to every call. When
    /// <see langword="null"/>, only limits without a model filter apply. At most 200 characters, no whitespace.
    /// </summary>
    public string? ModelId { get; init; }
}
