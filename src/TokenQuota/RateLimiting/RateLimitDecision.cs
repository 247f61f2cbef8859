namespace TokenQuota;

/// <summary>The answer of <see cref="IRateLimitPolicy"/>: whether the attempt was admitted (and counted), and the figures of the window that decided.</summary>
public sealed record RateLimitDecision
{
    /// <summary>Gets whether the attempt was admitted. An admitted attempt was counted in every window; a refused one in none.</summary>
    public required bool IsAllowed { get; init; }

    /// <summary>Gets the refusal message, for example <c>Hourly prompt limit exceeded (50/hour). Retry in 1800 seconds.</c>; empty when allowed.</summary>
    public required string Message { get; init; }

    /// <summary>
    /// Gets the window the figures describe: the window that refused, or, when allowed, the window with the fewest
    /// attempts left. <see langword="null"/> when rate limiting is disabled or the store failed open.
    /// </summary>
    public RateLimitWindow? Window { get; init; }

    /// <summary>Gets the limit of <see cref="Window"/>, or <see langword="null"/> when no limit applied.</summary>
    public int? Limit { get; init; }

    /// <summary>Gets how many more attempts <see cref="Window"/> admits, after this one; <see langword="null"/> when no limit applied.</summary>
    public int? Remaining { get; init; }

    /// <summary>Gets how long to wait before an attempt can be admitted: exactly the time until the refusing window ends. Zero when allowed.</summary>
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Gets when <see cref="Window"/> ends and its count starts again from zero; <see langword="null"/> when no limit applied.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>Gets whether the store failed and the attempt was allowed only because of <see cref="FailureMode.FailOpen"/>.</summary>
    public bool FailedOpen { get; init; }

    /// <summary>Gets the extra limit that refused the attempt (its meter, window and model), or <see langword="null"/> when allowed or refused by a standard window.</summary>
    public QuotaLimit? BindingLimit { get; init; }
}
