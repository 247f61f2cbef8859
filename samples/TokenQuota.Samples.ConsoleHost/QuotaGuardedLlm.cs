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
/// The pattern a host wraps around every LLM call:
/// <c>AcquirePromptAsync</c> (rate limits) → <c>CheckAsync</c> (estimated tokens) → the call → <c>RecordAsync</c> (actual usage).
/// </summary>
internal sealed class QuotaGuardedLlm(IRateLimitPolicy rateLimits, ITokenQuotaChecker quotas, FakeLlm llm)
{
    public async Task<PromptOutcome> SendAsync(string userId, LlmRequest request, CancellationToken cancellationToken = default)
    {
        // 1. Rate limits: counts this prompt in the hourly and daily windows, or refuses it and counts nothing.
        var admission = await rateLimits.AcquirePromptAsync(userId, cancellationToken);
        if (!admission.IsAllowed)
        {
            return new PromptOutcome(null, "rate limit", admission.Message);
        }

        // 2. Monthly token budget: would the estimated tokens still fit? Writes nothing.
        var estimatedInput = FakeLlm.EstimateInputTokens(request);
        var check = await quotas.CheckAsync(userId, estimatedInput, request.MaxOutputTokens, cancellationToken);
        if (!check.IsAllowed)
        {
            return new PromptOutcome(null, "token quota", check.Message);
        }

        // 3. The call itself.
        var response = await llm.CompleteAsync(request, cancellationToken);

        // 4. Record what the provider reported, not the estimate.
        await quotas.RecordAsync(userId, response.InputTokens, response.OutputTokens, cancellationToken);
        return new PromptOutcome(response, null, string.Empty);
    }
}
