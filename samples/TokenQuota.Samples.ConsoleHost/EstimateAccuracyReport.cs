using System.Diagnostics.Metrics;

namespace TokenQuota.Samples.ConsoleHost;

/// <summary>
/// Listens to TokenQuota's estimate instruments during the run (<c>tokenquota.reservation.estimate_accuracy</c>: actual
/// ÷ estimate at each commit; <c>tokenquota.reservation.overshoot</c>: tokens beyond the estimate) and prints how good
/// the run's estimates were, per token meter. An operator reads the same instruments through OpenTelemetry.
/// </summary>
internal sealed class EstimateAccuracyReport : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Dictionary<string, (int Count, double Sum, double Min, double Max, long Overshoot)> meters = new(StringComparer.Ordinal);

    public EstimateAccuracyReport()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TokenQuotaDiagnostics.MeterName
                && instrument.Name is TokenQuotaDiagnostics.EstimateAccuracyInstrument or TokenQuotaDiagnostics.OvershootInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, ratio, tags, _) => Update(tags, s => (s.Count + 1, s.Sum + ratio, Math.Min(s.Min, ratio), Math.Max(s.Max, ratio), s.Overshoot)));
        listener.SetMeasurementEventCallback<long>((_, tokens, tags, _) => Update(tags, s => s with { Overshoot = s.Overshoot + tokens }));
        listener.Start();
    }

    public void Print()
    {
        Console.WriteLine("Estimate accuracy this run (actual ÷ estimate at each commit; 1.00 is exact, above 1 the estimate was low):");
        lock (meters)
        {
            if (meters.Count == 0)
            {
                Console.WriteLine("  no reservation was committed");
                return;
            }

            foreach (var (meter, s) in meters.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(s.Count == 0
                    ? $"  {meter,-13}  no estimate above zero; {s.Overshoot:N0} tokens beyond it"
                    : $"  {meter,-13}  mean {s.Sum / s.Count:0.00} over {s.Count} commits (from {s.Min:0.00} to {s.Max:0.00}); {s.Overshoot:N0} tokens beyond the estimates");
            }
        }
    }

    public void Dispose() => listener.Dispose();

    private void Update(ReadOnlySpan<KeyValuePair<string, object?>> tags, Func<(int Count, double Sum, double Min, double Max, long Overshoot), (int, double, double, double, long)> change)
    {
        var meter = "tokens";
        foreach (var tag in tags)
        {
            if (tag.Key == "tokenquota.meter")
            {
                meter = tag.Value as string ?? meter;
            }
        }

        lock (meters)
        {
            meters[meter] = change(meters.TryGetValue(meter, out var s) ? s : (0, 0, double.MaxValue, double.MinValue, 0));
        }
    }
}
