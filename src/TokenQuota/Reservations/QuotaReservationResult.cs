using System.Diagnostics.CodeAnalysis;

namespace TokenQuota;

/// <summary>
/// The answer of <see cref="ITokenQuotaChecker.ReserveAsync"/>: a held <see cref="QuotaReservation"/>, or a denial
/// carrying the same figures as <see cref="ITokenQuotaChecker.CheckAsync"/>.
/// </summary>
public sealed record QuotaReservationResult
{
    /// <summary>Gets whether the estimate was reserved.</summary>
    [MemberNotNullWhen(true, nameof(Reservation))]
    public bool IsAllowed => Reservation is not null;

    /// <summary>Gets the held reservation, or <see langword="null"/> when denied.</summary>
    public QuotaReservation? Reservation { get; init; }

    /// <summary>Gets the decision and both dimensions' figures (used, reserved by others, requested, remaining) at the moment of reserving.</summary>
    public required QuotaCheckResult Check { get; init; }

    /// <summary>Gets the denial message; empty when allowed.</summary>
    public string Message => Check.Message;
}
