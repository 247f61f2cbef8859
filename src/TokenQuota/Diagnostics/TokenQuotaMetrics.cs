using System.Diagnostics;
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
    private readonly Histogram<double> estimateAccuracy;
    private readonly Counter<long> overshoot;
    private readonly Counter<long> expiredReservations;
    private readonly Counter<long> refusals;
    private readonly Histogram<double> storeDuration;

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
        estimateAccuracy = meter.CreateHistogram(
            TokenQuotaDiagnostics.EstimateAccuracyInstrument,
            "1",
            "Actual tokens divided by the reservation's estimate, at commit.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 4] });
        overshoot = meter.CreateCounter<long>(TokenQuotaDiagnostics.OvershootInstrument, "{token}", "Tokens committed beyond a reservation's estimate.");
        expiredReservations = meter.CreateCounter<long>(TokenQuotaDiagnostics.ExpiredReservationsInstrument, "{reservation}", "Reservations forgotten because their TTL passed before a commit or release.");
        refusals = meter.CreateCounter<long>(TokenQuotaDiagnostics.RefusalsInstrument, "{refusal}", "Refused requests by the binding limit's meter and window.");
        storeDuration = meter.CreateHistogram(
            TokenQuotaDiagnostics.StoreDurationInstrument,
            "s",
            "Time the store took for each operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>Records the accuracy and overshoot of one committed reservation, per token meter.</summary>
    public void EstimateJudged(long estimatedInput, long actualInput, long estimatedOutput, long actualOutput)
    {
        Estimate(BindingLimit.MeterNames.InputTokens, estimatedInput, actualInput);
        Estimate(BindingLimit.MeterNames.OutputTokens, estimatedOutput, actualOutput);
    }

    public void ReservationsExpired(int count, string store)
    {
        if (count > 0)
        {
            expiredReservations.Add(count, new KeyValuePair<string, object?>(TokenQuotaTracing.StoreTag, store));
        }
    }

    public void Refused(BindingLimit limit) =>
        refusals.Add(
            1,
            new KeyValuePair<string, object?>(TokenQuotaTracing.LimitMeterTag, limit.Meter),
            new KeyValuePair<string, object?>(TokenQuotaTracing.LimitWindowTag, limit.Window));

    /// <summary>Records the store time of one operation that began at <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void StoreCallCompleted(string operation, string store, long startTimestamp)
    {
        if (storeDuration.Enabled)
        {
            storeDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>("tokenquota.operation", operation),
                new KeyValuePair<string, object?>(TokenQuotaTracing.StoreTag, store));
        }
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

    private void Estimate(string meterName, long estimated, long actual)
    {
        var tag = new KeyValuePair<string, object?>("tokenquota.meter", meterName);
        if (estimated > 0)
        {
            estimateAccuracy.Record((double)actual / estimated, tag);
        }

        if (actual > estimated)
        {
            overshoot.Add(actual - estimated, tag);
        }
    }

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
