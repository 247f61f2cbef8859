namespace TokenQuota;

/// <summary>One dimension's figures in a <see cref="QuotaCheckResult"/>.</summary>
/// <param name="Limit">The monthly limit, or <see langword="null"/> when unlimited.</param>
/// <param name="Used">Tokens used this period before this request.</param>
/// <param name="Requested">Tokens this request asked for.</param>
/// <param name="Remaining"><c>max(0, limit − used − reserved)</c>, or <see langword="null"/> when unlimited.</param>
public readonly record struct TokenLimitFigures(long? Limit, long Used, long Requested, long? Remaining)
{
    /// <summary>Gets tokens held by other live reservations of the user in this period.</summary>
    public long Reserved { get; init; }

    /// <summary>Gets whether this dimension alone would allow the request: unlimited, or <c>used + reserved + requested ≤ limit</c>.</summary>
    public bool Allows => Limit is not { } limit
        || (Used <= limit && Reserved <= limit - Used && Requested <= limit - Used - Reserved);
}
