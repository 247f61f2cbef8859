namespace TokenQuota.Extensions.AI;

/// <summary>
/// A chat call was refused by the user's rate limits or token budget before the model was called. Carries the
/// decision, so a host can answer 429 with <see cref="RetryAfter"/> and the figures.
/// </summary>
public sealed class TokenQuotaExceededException : TokenQuotaException
{
    /// <summary>Creates the exception for a rate-limit refusal.</summary>
    /// <param name="userId">The user refused.</param>
    /// <param name="decision">The refusing decision.</param>
    public TokenQuotaExceededException(string userId, RateLimitDecision decision)
        : base(MessageOf(decision?.Message))
    {
        ArgumentNullException.ThrowIfNull(userId);
        UserId = userId;
        Reason = TokenQuotaRefusalReason.RateLimit;
        RateLimitDecision = decision;
    }

    /// <summary>Creates the exception for a token-budget refusal.</summary>
    /// <param name="userId">The user refused.</param>
    /// <param name="check">The refusing decision, with both dimensions' figures.</param>
    public TokenQuotaExceededException(string userId, QuotaCheckResult check)
        : base(MessageOf(check?.Message))
    {
        ArgumentNullException.ThrowIfNull(userId);
        UserId = userId;
        Reason = TokenQuotaRefusalReason.TokenQuota;
        QuotaCheck = check;
    }

    /// <summary>Gets the user who was refused.</summary>
    public string UserId { get; }

    /// <summary>Gets which guard refused.</summary>
    public TokenQuotaRefusalReason Reason { get; }

    /// <summary>Gets the rate-limit decision when <see cref="Reason"/> is <see cref="TokenQuotaRefusalReason.RateLimit"/>; otherwise <see langword="null"/>.</summary>
    public RateLimitDecision? RateLimitDecision { get; }

    /// <summary>
    /// Gets the token decision when <see cref="Reason"/> is <see cref="TokenQuotaRefusalReason.TokenQuota"/>; otherwise
    /// <see langword="null"/>. Its <see cref="QuotaCheckResult.DeniedDimension"/> names the dimension, and
    /// <see cref="QuotaCheckResult.Input"/>/<see cref="QuotaCheckResult.Output"/> the limit, used, reserved, requested and remaining tokens.
    /// </summary>
    public QuotaCheckResult? QuotaCheck { get; }

    /// <summary>
    /// Gets how long to wait before retrying: the rate-limit decision's exact <see cref="TokenQuota.RateLimitDecision.RetryAfter"/>,
    /// or an extra limit's exact <see cref="QuotaCheckResult.RetryAfter"/>; <see langword="null"/> for a refusal by the
    /// monthly budget (see <see cref="ResetsAt"/>).
    /// </summary>
    public TimeSpan? RetryAfter => RateLimitDecision?.RetryAfter ?? QuotaCheck?.RetryAfter;

    /// <summary>
    /// Gets when the refusing limit starts again from zero: the end of the rate-limit window, or the end of the monthly
    /// period (UTC) for a token-budget refusal; <see langword="null"/> when unknown.
    /// </summary>
    public DateTimeOffset? ResetsAt => RateLimitDecision is { } decision ? decision.ResetsAt : QuotaCheck?.Period.End;

    private static string MessageOf(string? message) =>
        string.IsNullOrEmpty(message) ? "The call was refused by TokenQuota." : message;
}
