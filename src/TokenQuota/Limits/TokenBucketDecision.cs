namespace TokenQuota;

/// <summary>The outcome of <see cref="TokenBucket.Judge"/>.</summary>
/// <param name="Admitted">Whether the units fit.</param>
/// <param name="Tat">The state to store: the new one if admitted, the old one if not (nothing is charged).</param>
/// <param name="Remaining">The whole units left after the decision.</param>
/// <param name="RetryAfter">The exact wait until the same request fits; <see langword="null"/> when admitted or when it never fits.</param>
internal readonly record struct TokenBucketDecision(bool Admitted, Int128 Tat, long Remaining, TimeSpan? RetryAfter);
