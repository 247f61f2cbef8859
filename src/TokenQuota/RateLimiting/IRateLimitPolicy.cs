namespace TokenQuota;

/// <summary>
/// Admits or refuses prompts and configuration changes against the user's rate limits. The counters live in the
/// store, so limits hold across processes and restarts.
/// </summary>
/// <remarks>
/// <para>
/// <b>Window algorithm and its guarantee.</b> Windows are fixed and aligned to UTC: an hourly window runs from
/// hh:00:00 to the next hour, a daily window from midnight UTC to the next midnight. Within each such window at most
/// <i>limit</i> attempts are admitted, whatever the concurrency; in any rolling 60 minutes at most twice the hourly
/// limit can be admitted (the end of one window plus the start of the next).
/// </para>
/// <para>
/// A prompt is judged against its hourly and daily windows together: it is admitted and counted in both, or refused
/// and counted in neither. <see cref="RateLimitDecision.RetryAfter"/> is exact: the time until the refusing window ends
/// (when several are exhausted, the one that ends last).
/// </para>
/// </remarks>
public interface IRateLimitPolicy
{
    /// <summary>Admits one prompt against the user's hourly and daily prompt limits, counting it in both, or refuses it and counts nothing.</summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask<RateLimitDecision> AcquirePromptAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Admits one prompt for <paramref name="modelId"/> against the user's hourly and daily prompt limits and every
    /// extra <c>prompts</c> limit of the user's profile that applies to the model (DESIGN §7), counting it in all of them
    /// in one atomic step, or refuses it and counts nothing. A refusal by an extra limit names it in
    /// <see cref="RateLimitDecision.BindingLimit"/>. While rate limits are disabled or the global override is on, extra
    /// prompt limits are off too (the emergency switch covers every prompt-rate limit).
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="modelId">The model the prompt is for, or <see langword="null"/> (only limits without a model filter apply).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The user id or the model id is invalid.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask<RateLimitDecision> AcquirePromptForModelAsync(string userId, string? modelId, CancellationToken cancellationToken = default);

    /// <summary>Admits one configuration change against the user's hourly limit, counting it, or refuses it and counts nothing.</summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask<RateLimitDecision> AcquireConfigChangeAsync(string userId, CancellationToken cancellationToken = default);
}
