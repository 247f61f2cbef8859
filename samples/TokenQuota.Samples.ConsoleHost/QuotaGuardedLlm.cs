namespace TokenQuota.Samples.ConsoleHost;

/// <summary>How one guarded prompt ended.</summary>
/// <param name="Response">The model's answer, or <see langword="null"/> when the prompt was refused.</param>
/// <param name="RefusedBy">Which guard refused (<c>rate limit</c> or <c>token quota</c>), or <see langword="null"/>.</param>
/// <param name="Message">The refusal message, exactly as TokenQuota wrote it; empty when answered.</param>
internal sealed record PromptOutcome(LlmResponse? Response, string? RefusedBy, string Message)
{
    public bool IsAnswered => Response is not null;
}

/// <summary>
/// The pattern a host wraps around every LLM call when the monthly budget is a hard cap:
/// <c>AcquirePromptAsync</c> (rate limits) → <c>ReserveAsync</c> (holds the estimated tokens) → the call →
/// <c>CommitAsync</c> (replaces the estimate with the actual usage). <c>CheckAsync</c> → <c>RecordAsync</c> is the same
/// without the hold (see the README's quick start).
/// </summary>
internal sealed class QuotaGuardedLlm(IRateLimitPolicy rateLimits, ITokenQuotaChecker quotas, FakeLlm llm)
{
    public async Task<PromptOutcome> SendAsync(string userId, LlmRequest request, CancellationToken cancellationToken = default)
    {
        // 1. Rate limits: counts this prompt in the hourly and daily windows, or refuses it and counts nothing.
        // The model is passed along so that the profile's per-model limits apply to it.
        var admission = await rateLimits.AcquirePromptForModelAsync(userId, request.Model, cancellationToken);
        if (!admission.IsAllowed)
        {
            return new PromptOutcome(null, "rate limit", admission.Message);
        }

        // 2. Monthly token budget: holds the estimated tokens if they still fit, so concurrent calls judge each other.
        var estimatedInput = FakeLlm.EstimateInputTokens(request);
        var reserved = await quotas.ReserveAsync(userId, estimatedInput, request.MaxOutputTokens, new QuotaReservationOptions { ModelId = request.Model }, cancellationToken);
        if (!reserved.IsAllowed)
        {
            return new PromptOutcome(null, "token quota", reserved.Check.Message);
        }

        // Disposing releases the hold if the call fails before the commit.
        await using var reservation = reserved.Reservation!;

        // 3. The call itself.
        var response = await llm.CompleteAsync(request, cancellationToken);

        // 4. Commit what the provider reported, not the estimate.
        await reservation.CommitAsync(response.InputTokens, response.OutputTokens, cancellationToken);
        return new PromptOutcome(response, null, string.Empty);
    }
}
