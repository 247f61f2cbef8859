namespace TokenQuota.Relational;

/// <summary>A stored reservation as a store reads it: its owner, period, whether it is still held, expiry and amounts.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Period">The period key.</param>
/// <param name="IsHeld">Whether it is held (its <c>state</c> is <see cref="HeldState"/>), not yet committed.</param>
/// <param name="ExpiresAt">The expiry time in Unix milliseconds.</param>
/// <param name="InputTokens">The input tokens: the estimate while held, the actual amount once committed.</param>
/// <param name="OutputTokens">The output tokens: the estimate while held, the actual amount once committed.</param>
internal readonly record struct StoredReservation(string UserId, string Period, bool IsHeld, long ExpiresAt, long InputTokens, long OutputTokens)
{
    /// <summary>The <c>state</c> of a held reservation.</summary>
    public const string HeldState = "held";

    /// <summary>The <c>state</c> of a committed reservation.</summary>
    public const string CommittedState = "committed";
}
