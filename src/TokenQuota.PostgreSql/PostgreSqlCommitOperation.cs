using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary><c>CommitReservationAsync</c> as a batched request: planned by <see cref="ReservationCommit"/> from the reservation as the batch's earlier requests left it.</summary>
internal sealed class PostgreSqlCommitOperation(string requestId, string userId, QuotaPeriod period, long inputTokens, long outputTokens, DateTimeOffset now, CancellationToken cancellationToken)
    : PostgreSqlUserOperation<ReservationCommitOutcome>(userId, cancellationToken)
{
    private readonly long nowMs = now.ToUnixTimeMilliseconds();

    public override void Declare(PostgreSqlUserBatch batch) => batch.NeedReservation(UserId, requestId);

    public override void Judge(PostgreSqlUserBatch batch)
    {
        StoredReservation? stored = batch.TryGetReservation(requestId, out var found) ? found : null;
        if (ReservationCommit.Plan(stored, UserId, period.Key, inputTokens, outputTokens) is not { } commit)
        {
            Judged(ReservationCommitOutcome.AlreadyCommitted);
            return;
        }

        batch.Commit(requestId, commit, inputTokens, outputTokens, nowMs);
        Judged(commit.Outcome(nowMs));
    }

    protected override Task<ReservationCommitOutcome> RunAloneCoreAsync(PostgreSqlQuotaStore store) =>
        store.CommitReservationAloneAsync(requestId, UserId, period, inputTokens, outputTokens, now, counters: null, CancellationToken.None);
}
