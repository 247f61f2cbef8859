using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// <c>TryReserveAsync</c> as a batched request: <c>admit</c> judges the totals as the batch's earlier requests left them.
/// An admitted reservation whose request id an earlier request of the batch holds or commits is refused with
/// <see cref="DuplicateRequestIdException"/>; one whose id was stored before fails the batch's insert, and the batch's
/// requests then run alone, where the single-request path refuses it the same way (request ids are fresh but for caller
/// errors, so that rare batch pays the cost instead of every reservation reading its id first).
/// </summary>
internal sealed class PostgreSqlReserveOperation(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken)
    : PostgreSqlUserOperation<ReservationAttempt>(reservation.UserId, cancellationToken)
{
    public override void Declare(PostgreSqlUserBatch batch) =>
        batch.NeedTotals(UserId, reservation.Period.Key, reservation.CreatedAt.ToUnixTimeMilliseconds());

    public override void Judge(PostgreSqlUserBatch batch)
    {
        var totals = batch.TotalsOf(UserId, reservation.Period.Key);
        bool admitted;
        try
        {
            admitted = admit(totals);
        }
        catch (Exception ex)
        {
            Refused(ex);
            return;
        }

        if (admitted && batch.TryGetReservation(reservation.RequestId, out _))
        {
            Refused(ReservationCommit.RequestIdInUse(reservation.RequestId));
            return;
        }

        if (admitted)
        {
            batch.Hold(reservation);
        }

        Judged(new ReservationAttempt(admitted, totals) { ExpiredHoldsForgotten = batch.TakeExpiredHolds(UserId) });
    }

    protected override Task<ReservationAttempt> RunAloneCoreAsync(PostgreSqlQuotaStore store) =>
        store.TryReserveAloneAsync(reservation, admit, limits: null, CancellationToken.None);
}
