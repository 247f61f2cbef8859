namespace TokenQuota.Storage;

/// <summary>
/// A change to some of a user's extra-limit counters, made inside the store's transaction: the store reads the rows of
/// <see cref="Keys"/> (those it holds), passes them to <see cref="Apply"/>, and writes every row it returns. When
/// <see cref="Apply"/> returns <see langword="null"/> the core refused the request: the store writes nothing of the whole
/// step (neither the counters nor anything else the step would have written).
/// <para>A step that carries <see cref="Usage"/> also adds it to the user's usage by model, once, with the counters.</para>
/// </summary>
/// <param name="Keys">The counter keys to read (<see cref="StoredLimitCounter.Key"/>).</param>
/// <param name="Apply">The core's rule: the rows to store given the rows read, or <see langword="null"/> to refuse.</param>
public sealed record LimitCounterUpdate(IReadOnlyList<string> Keys, Func<IReadOnlyList<StoredLimitCounter>, IReadOnlyList<StoredLimitCounter>?> Apply)
{
    /// <summary>Gets the usage by model to add when the counters are written, or <see langword="null"/> for none.</summary>
    public ModelUsageCharge? Usage { get; init; }

    /// <summary>
    /// Gets the counters of the user's team and organisation to read beside <see cref="Keys"/>; the store reads each under
    /// its subject (returning it with <see cref="StoredLimitCounter.Subject"/> set) and serialises concurrent steps that
    /// share one, as it does for one user's.
    /// </summary>
    public IReadOnlyList<SharedCounterKey> SharedKeys { get; init; } = [];
}
