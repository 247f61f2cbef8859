using TokenQuota.Relational;
using TokenQuota.Storage;

namespace TokenQuota.PostgreSql;

/// <summary><c>TryChargeRateWindowsAsync</c> as a batched request: judged by <see cref="RateWindowRules"/> on the user's windows as the batch's earlier requests left them.</summary>
internal sealed class PostgreSqlRateWindowChargeOperation(string userId, IReadOnlyList<RateWindowCharge> windows, CancellationToken cancellationToken)
    : PostgreSqlUserOperation<RateWindowChargeResult>(userId, cancellationToken)
{
    public override void Declare(PostgreSqlUserBatch batch) => batch.NeedWindows(UserId);

    public override void Judge(PostgreSqlUserBatch batch)
    {
        var version = batch.ConfigurationVersion;
        var counts = new int[windows.Count];
        var stored = batch.WindowsOf(UserId);
        if (RateWindowRules.IsStale(windows, version) || !RateWindowRules.Judge(stored, windows, counts))
        {
            Judged(new RateWindowChargeResult(false, counts, version));
            return;
        }

        RateWindowRules.Charge(stored, windows);
        batch.Charged(UserId, windows);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i]++;
        }

        Judged(new RateWindowChargeResult(true, counts, version));
    }

    protected override Task<RateWindowChargeResult> RunAloneCoreAsync(PostgreSqlQuotaStore store) =>
        store.ChargeRateWindowsAloneAsync(UserId, windows, counters: null, CancellationToken.None);
}
