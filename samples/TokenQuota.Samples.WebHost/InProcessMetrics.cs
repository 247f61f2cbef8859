using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace TokenQuota.Samples.WebHost;

/// <summary>
/// Reads the <c>TokenQuota</c> meter in this process with a <see cref="MeterListener"/> and keeps a running total per
/// instrument and attribute set (counters: the sum; histograms: count, sum, min and max), for the admin panel's metrics
/// section. A production host exports the same instruments with OpenTelemetry instead.
/// </summary>
public sealed class InProcessMetrics : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Attributes), Series> series = new();

    public InProcessMetrics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TokenQuotaDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    /// <summary>Gets every series seen so far, sorted by instrument and attributes.</summary>
    public IReadOnlyList<object> Snapshot() =>
        series.OrderBy(s => s.Key.Instrument, StringComparer.Ordinal).ThenBy(s => s.Key.Attributes, StringComparer.Ordinal)
            .Select(s => s.Value.Describe(s.Key.Instrument, s.Key.Attributes))
            .ToArray();

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var attributes = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            attributes.Add(string.Create(CultureInfo.InvariantCulture, $"{tag.Key}={tag.Value}"));
        }

        attributes.Sort(StringComparer.Ordinal);
        var key = (instrument.Name, string.Join(", ", attributes));
        series.GetOrAdd(key, _ => new Series(instrument.Unit, instrument is Histogram<double> or Histogram<long>)).Add(value);
    }

    private sealed class Series(string? unit, bool isHistogram)
    {
        private readonly Lock gate = new();
        private long count;
        private double sum;
        private double min = double.MaxValue;
        private double max = double.MinValue;

        public void Add(double value)
        {
            lock (gate)
            {
                count++;
                sum += value;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }

        public object Describe(string instrument, string attributes)
        {
            lock (gate)
            {
                return new
                {
                    instrument,
                    attributes,
                    unit,
                    kind = isHistogram ? "histogram" : "counter",
                    count,
                    sum,
                    mean = count == 0 ? 0 : sum / count,
                    min = isHistogram ? min : (double?)null,
                    max = isHistogram ? max : (double?)null,
                };
            }
        }
    }
}
