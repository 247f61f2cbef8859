using System.Diagnostics.Metrics;

namespace TokenQuota;

/// <summary>The instruments of the <c>TokenQuota</c> meter. One instance per service provider.</summary>
internal sealed class TokenQuotaMetrics : IDisposable
{
    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> checks;
    private readonly Counter<long> tokensRecorded;
    private readonly Counter<long> rateDecisions;
    private readonly Counter<long> storeFailures;
    private readonly Counter<long> reservations;

    public TokenQuotaMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            meter = new Meter(TokenQuotaDiagnostics.MeterName);
            ownsMeter = true;
        }
        else
        {
            meter = meterFactory.Create(TokenQuotaDiagnostics.MeterName);
        }

        checks = meter.CreateCounter<long>(TokenQuotaDiagnostics.ChecksInstrument, "{check}", "Token quota checks by result.");
        tokensRecorded = meter.CreateCounter<long>(TokenQuotaDiagnostics.TokensRecordedInstrument, "{token}", "Tokens recorded by type.");
        rateDecisions = meter.CreateCounter<long>(TokenQuotaDiagnostics.RateLimitDecisionsInstrument, "{decision}", "Rate-limit decisions by result and kind.");
        reservations = meter.CreateCounter<long>(TokenQuotaDiagnostics.ReservationsInstrument, "{reservation}", "Reservation events by result.");
        storeFailures = meter.CreateCounter<long>(TokenQuotaDiagnostics.StoreFailuresInstrument, "{failure}", "Store failures by operation and failure mode.");
    }

    public void CheckCompleted(string result) =>
        checks.Add(1, new KeyValuePair<string, object?>("tokenquota.result", result));

    public void TokensRecorded(long input, long output)
    {
        if (input > 0)
        {
            tokensRecorded.Add(input, new KeyValuePair<string, object?>("tokenquota.token.type", "input"));
        }

        if (output > 0)
        {
            tokensRecorded.Add(output, new KeyValuePair<string, object?>("tokenquota.token.type", "output"));
        }
    }

    public void ReservationCompleted(string result) =>
        reservations.Add(1, new KeyValuePair<string, object?>("tokenquota.result", result));

    public void RateDecision(string kind, string result) =>
        rateDecisions.Add(1, new KeyValuePair<string, object?>("tokenquota.rate_limit.kind", kind), new KeyValuePair<string, object?>("tokenquota.result", result));

    public void StoreFailed(string operation, FailureMode mode) =>
        storeFailures.Add(
            1,
            new KeyValuePair<string, object?>("tokenquota.operation", operation),
            new KeyValuePair<string, object?>("tokenquota.failure_mode", mode == FailureMode.FailOpen ? "fail_open" : "fail_closed"));

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
