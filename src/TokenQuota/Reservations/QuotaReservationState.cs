namespace TokenQuota;

/// <summary>Where a <see cref="QuotaReservation"/> is in its life.</summary>
public enum QuotaReservationState
{
    /// <summary>The estimate is held in the store.</summary>
    Held,

    /// <summary>The actual usage was committed; the estimate is no longer held.</summary>
    Committed,

    /// <summary>The reservation was released without usage.</summary>
    Released,
}
