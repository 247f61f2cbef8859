namespace TokenQuota;

/// <summary>
/// Checks and records monthly token usage against each user's consumption profile. Wrap every LLM call:
/// <see cref="CheckAsync"/> before it, <see cref="RecordAsync"/> with the actual usage after it.
/// </summary>
public interface ITokenQuotaChecker
{
    /// <summary>
    /// Judges whether <paramref name="inputTokens"/> and <paramref name="outputTokens"/> fit in the user's remaining
    /// monthly allowance: a dimension denies when <c>used + requested &gt; limit</c> (landing exactly on the limit is
    /// allowed), a <see langword="null"/> limit never denies, and input is judged before output. Writes nothing.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="inputTokens">The input tokens the call is expected to use (≥ 0).</param>
    /// <param name="outputTokens">The output tokens the call is expected to use (≥ 0).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision with both dimensions' figures.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative or too large.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask<QuotaCheckResult> CheckAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default);

    /// <summary>
    /// Judges a call to <paramref name="modelId"/> as <see cref="CheckAsync(string, long, long, CancellationToken)"/> does, and
    /// also against the token limits of the user's profile for that model (per model, per minute, …). Writes nothing.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="inputTokens">The input tokens the call is expected to use (≥ 0).</param>
    /// <param name="outputTokens">The output tokens the call is expected to use (≥ 0).</param>
    /// <param name="modelId">The model the call goes to; <see langword="null"/> when unknown (only limits for every model apply).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision; a refusal by an extra limit names it in <see cref="QuotaCheckResult.BindingLimit"/>.</returns>
    ValueTask<QuotaCheckResult> CheckForModelAsync(string userId, long inputTokens, long outputTokens, string? modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds actual usage to the user's current period in one atomic statement; concurrent calls, in one process or
    /// several, never lose an addition. Recording is not refused when it crosses a limit: the usage happened.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="inputTokens">Input tokens used (≥ 0).</param>
    /// <param name="outputTokens">Output tokens used (≥ 0).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the usage is stored.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative or too large; nothing is written.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask RecordAsync(string userId, long inputTokens, long outputTokens, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a call to <paramref name="modelId"/> as <see cref="RecordAsync(string, long, long, CancellationToken)"/> does,
    /// and charges the token limits of the user's profile for that model in the same atomic step.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="inputTokens">Input tokens used (≥ 0).</param>
    /// <param name="outputTokens">Output tokens used (≥ 0).</param>
    /// <param name="modelId">The model the call went to; <see langword="null"/> when unknown.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the usage is stored.</returns>
    ValueTask RecordForModelAsync(string userId, long inputTokens, long outputTokens, string? modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a call's usage with its detail: as <see cref="RecordForModelAsync"/> does, pricing cached input and
    /// reasoning tokens apart where the catalogue does, and adding the call to the user's usage by model (when it names
    /// one), all in one atomic step.
    /// </summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="usage">What the call used.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the usage is stored.</returns>
    /// <exception cref="ArgumentException">A count or the model id is not acceptable (the message names the field); nothing is written.</exception>
    ValueTask RecordCallAsync(string userId, CallUsage usage, CancellationToken cancellationToken = default);

    /// <summary>Reads the user's quota status for the current period: profile, usage, remaining and rate limits.</summary>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The status, serializable to the seed's JSON shape.</returns>
    /// <exception cref="ArgumentException">The user id is invalid.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed (status reads never fail open).</exception>
    Task<QuotaStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves an estimate for one LLM call, in one atomic store operation that judges the limits including every
    /// live reservation of the user: denies when <c>used + reserved + requested &gt; limit</c> in a dimension.
    /// </summary>
    /// <remarks>
    /// <para><b>Hard cap.</b> If every commit is at most its reservation's estimate, committed usage never exceeds the
    /// limit, whatever the concurrency, in one process or several sharing the store.</para>
    /// <para><b>Overshoot.</b> When actual usage exceeds the estimate, the commit records it in full (it happened), so the
    /// period can end above the limit by at most the sum of (actual − estimate) over the commits that exceeded their
    /// estimates; later reservations are denied until the next period.</para>
    /// <para><b>Release.</b> Disposing an uncommitted reservation, or cancelling <paramref name="cancellationToken"/>
    /// while it is held, releases it. A reservation whose process died stops counting when its TTL passes, judged
    /// lazily whenever the store next reads that user; no background job is needed. No released or expired reservation
    /// is ever counted.</para>
    /// <para><b>Period.</b> The usage is charged to the period in which the reservation was made.</para>
    /// </remarks>
    /// <param name="userId">The user id, 1–128 characters.</param>
    /// <param name="estimatedInputTokens">The input tokens to hold (≥ 0).</param>
    /// <param name="estimatedOutputTokens">The output tokens to hold (≥ 0), for example the request's maximum output.</param>
    /// <param name="options">The TTL and request id; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the reservation; cancelling it later releases a held reservation.</param>
    /// <returns>The held reservation, or a denial with the same figures as <see cref="CheckAsync"/>.</returns>
    /// <exception cref="ArgumentException">The user id or request id is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count or the TTL is out of range.</exception>
    /// <exception cref="DuplicateRequestIdException">The request id given in <paramref name="options"/> is already in use; nothing is held.</exception>
    /// <exception cref="TokenQuotaStoreException">The store failed and <see cref="FailureMode.FailClosed"/> applies.</exception>
    ValueTask<QuotaReservationResult> ReserveAsync(string userId, long estimatedInputTokens, long estimatedOutputTokens, QuotaReservationOptions? options = null, CancellationToken cancellationToken = default);
}

