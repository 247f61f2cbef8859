namespace TokenQuota.Storage;

/// <summary>
/// What a store keeps for one extra limit of one subject: one row per subject and <see cref="Key"/>, whatever the window.
/// The store reads and writes it as given; the core alone decides what it means.
/// </summary>
/// <param name="Key">The limit's counter key: its text form without the amount (<c>total_tokens/minute@gpt-4o*</c>), so an edit of the amount keeps the count.</param>
/// <param name="WindowStart">The start of the window the count belongs to (Unix milliseconds); 0 for a bucket, a log or in flight.</param>
/// <param name="WindowEnd">The end of that window (Unix milliseconds): until then the window keeps its bounds, even if the calendar changed.</param>
/// <param name="Count">The units counted in the window.</param>
/// <param name="State">A token bucket's theoretical arrival time or a sliding window's log, as the core wrote it; <see langword="null"/> otherwise.</param>
public readonly record struct StoredLimitCounter(string Key, long WindowStart, long WindowEnd, long Count, string? State)
{
    /// <summary>
    /// Gets the subject whose counter this is (<see cref="SharedCounterKey.Subject"/>), or <see langword="null"/> for the
    /// user of the step. A store sets it on the shared counters it reads and writes each row under it.
    /// </summary>
    public string? Subject { get; init; }
}
