using System.Collections.Concurrent;
using System.Diagnostics;

namespace TokenQuota.Testing;

/// <summary>
/// Records the spans of the <c>TokenQuota</c> activity source (and any other sources named) started under the
/// recorder's own root activity, so tests running at the same time never see each other's spans.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener listener;
    private readonly Activity root;
    private readonly ConcurrentQueue<Activity> spans = new();

    public SpanRecorder(params string[] otherSources)
    {
        root = new Activity("test-root").Start();
        var traceId = root.TraceId;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TokenQuotaDiagnostics.ActivitySourceName || otherSources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.TraceId == traceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>Gets the spans stopped so far, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => [.. spans];

    /// <summary>Gets the recorder's root activity, the parent of the first spans.</summary>
    public Activity Root => root;

    /// <summary>Gets the stopped spans named <paramref name="name"/>.</summary>
    public IReadOnlyList<Activity> Named(string name) => [.. spans.Where(s => s.OperationName == name)];

    public void Dispose()
    {
        listener.Dispose();
        root.Stop();
    }
}
