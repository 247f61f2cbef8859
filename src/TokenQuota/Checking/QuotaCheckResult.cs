namespace TokenQuota;

/// <summary>
/// The answer of <see cref="ITokenQuotaChecker.CheckAsync"/>: whether the tokens fit this month, and both dimensions'
/// figures whatever the outcome.
/// </summary>
public sealed record QuotaCheckResult
{
    /// <summary>Gets whether the request fits within both monthly limits.</summary>
    public required bool IsAllowed { get; init; }

    /// <summary>
    /// Gets the denial message (invariant culture), for example
    /// <c>Input token quota exceeded. Limit: 100,000/month, Used: 99,500, Remaining: 500</c>; empty when allowed.
    /// </summary>
    public required string Message { get; init; }

    /// <summary>Gets the dimension that refused (input is judged before output), or <see langword="null"/> when allowed.</summary>
    public TokenDimension? DeniedDimension { get; init; }

    /// <summary>Gets the period the check was made in.</summary>
    public required QuotaPeriod Period { get; init; }

    /// <summary>Gets the id of the profile that applied, or <see langword="null"/> when none did (tokens unlimited).</summary>
    public long? ProfileId { get; init; }

    /// <summary>Gets the name of the profile that applied, or <see langword="null"/>.</summary>
    public string? ProfileName { get; init; }

    /// <summary>Gets the input-token figures.</summary>
    public required TokenLimitFigures Input { get; init; }

    /// <summary>Gets the output-token figures.</summary>
    public required TokenLimitFigures Output { get; init; }

    /// <summary>Gets whether the store failed and the call was allowed only because of <see cref="FailureMode.FailOpen"/>.</summary>
    public bool FailedOpen { get; init; }

    /// <summary>Gets the extra limit that refused the request (its meter, window and model), or <see langword="null"/> when allowed or refused by a standard limit.</summary>
    public QuotaLimit? BindingLimit { get; init; }

    /// <summary>Gets the level of the binding extra limit: the user's own, their team's or their organisation's.</summary>
    public QuotaSubjectLevel BindingLevel { get; init; }

    /// <summary>Gets the name of the team or organisation whose limit refused; <see langword="null"/> when it was the user's own.</summary>
    public string? BindingSubject { get; init; }

    /// <summary>Gets when the binding extra limit's count next falls (its window's end, a bucket's refill, a log entry's expiry), if known.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>Gets the exact wait after which the binding extra limit admits the same request, or <see langword="null"/> when waiting cannot help.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Gets, when an extra limit on output tokens, total tokens or cost refused, the most output tokens the same call
    /// (with the same input) could ask of that limit now, so a caller can retry with less (the chat client's
    /// <c>ClampMaxOutputTokens</c> does); <see langword="null"/> otherwise.
    /// </summary>
    public long? OutputTokensThatFit { get; init; }

    // The standard limits admitted the call and an extra limit refused it.
    internal QuotaCheckResult RefusedBy(ExtraLimitRefusal refusal) => this with
    {
        IsAllowed = false,
        Message = refusal.Message,
        BindingLimit = refusal.Limit,
        BindingLevel = refusal.Level,
        BindingSubject = refusal.SubjectName,
        ResetsAt = refusal.ResetsAt,
        RetryAfter = refusal.RetryAfter,
        OutputTokensThatFit = refusal.OutputTokensThatFit,
    };
}
