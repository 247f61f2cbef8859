using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary>
/// <c>TryReserveAsync</c> as a batched request: <c>admit</c> judges the totals as the batch's earlier requests left them;
/// an admitted reservation whose request id is stored or held earlier in the batch is refused with
/// <see cref="DuplicateRequestIdException"/>, as the single-request path refuses it.
/// </summary>
internal sealed class PostgreSqlReserveOperation(NewReservation reservation, Func<TokenUsageTotals, bool> admit, CancellationToken cancellationToken)
    : PostgreSqlUserOperation<ReservationAttempt>(reservation.UserId, cancellationToken)
{
    public override void Declare(PostgreSqlUserBatch batch)
    {
        batch.NeedTotals(UserId, reservation.Period.Key, reservation.CreatedAt.ToUnixTimeMilliseconds());
        batch.NeedReservation(UserId, reservation.RequestId);
    }

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
        store.TryReserveAloneAsync(reservation, admit, CancellationToken.None);
}
