using TokenQuota.Storage;

namespace TokenQuota;

/// <summary>What the store did on a commit (see <see cref="IQuotaStore.CommitReservationAsync"/>).</summary>
public enum ReservationCommitOutcome
{
    /// <summary>The live reservation was replaced by the actual usage.</summary>
    Committed,

    /// <summary>
    /// The reservation had already expired (its TTL passed) or was unknown; the actual usage was still recorded,
    /// because it happened, and may exceed the limit.
    /// </summary>
    CommittedAfterExpiry,

    /// <summary>The request id was already committed; nothing was counted again.</summary>
    AlreadyCommitted,

    /// <summary>
    /// The store failed and <see cref="FailureMode.FailOpen"/> let the call through: the usage was <b>not</b> recorded
    /// (the failure was logged and counted), and the estimate stays held until its TTL passes.
    /// </summary>
    NotRecordedFailedOpen,
}
