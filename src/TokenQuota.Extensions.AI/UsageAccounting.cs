using Microsoft.Extensions.AI;

namespace TokenQuota.Extensions.AI;

/// <summary>How a charge was obtained.</summary>
internal enum ChargeSource
{
    /// <summary>Both counts came from the provider (directly, or one derived from the total).</summary>
    Reported,

    /// <summary>One count was reported, the other estimated.</summary>
    Partial,

    /// <summary>Nothing usable was reported: both counts are estimates.</summary>
    Estimated,
}

/// <summary>The tokens to commit for one call, with the cached input and reasoning tokens among them (priced apart).</summary>
internal readonly record struct Charge(long InputTokens, long OutputTokens, ChargeSource Source, long CachedInputTokens = 0, long ReasoningTokens = 0);

/// <summary>Turns reported <see cref="UsageDetails"/> into the tokens charged, filling gaps with estimates.</summary>
internal static class UsageAccounting
{
    /// <summary>
    /// The rules: input = <c>InputTokenCount</c> (minus cached when those are not charged), output = <c>OutputTokenCount</c>
    /// (minus reasoning when those are not charged); a missing count is derived from <c>TotalTokenCount</c> when it is
    /// reported, else estimated (input: the pre-call estimate; output: the estimator on the produced text).
    /// </summary>
    public static Charge Measure(UsageDetails? usage, long estimatedInput, Func<long> estimateOutput, TokenQuotaChatClientOptions options)
    {
        var input = NonNegative(usage?.InputTokenCount);
        var output = NonNegative(usage?.OutputTokenCount);
        var total = NonNegative(usage?.TotalTokenCount);
        var source = ChargeSource.Reported;

        if (total is { } t)
        {
            if (input is null && output is { } o)
            {
                input = Math.Max(0, t - o);
            }
            else if (output is null && input is { } i)
            {
                output = Math.Max(0, t - i);
            }
            else if (input is null && output is null)
            {
                // Only a total: attribute up to the input estimate to input, the rest to output.
                input = Math.Min(estimatedInput, t);
                output = t - input;
                source = ChargeSource.Partial;
            }
        }

        long cachedCharged = 0, reasoningCharged = 0;
        if (input is { } reportedInput && NonNegative(usage?.CachedInputTokenCount) is { } cached)
        {
            if (options.ChargeCachedInputTokens)
            {
                cachedCharged = Math.Min(cached, reportedInput);
            }
            else
            {
                input = Math.Max(0, reportedInput - cached);
            }
        }

        if (output is { } reportedOutput && NonNegative(usage?.ReasoningTokenCount) is { } reasoning)
        {
            if (options.ChargeReasoningTokens)
            {
                reasoningCharged = Math.Min(reasoning, reportedOutput);
            }
            else
            {
                output = Math.Max(0, reportedOutput - reasoning);
            }
        }

        if (input is null || output is null)
        {
            source = input is null && output is null ? ChargeSource.Estimated : ChargeSource.Partial;
            input ??= estimatedInput;
            output ??= Math.Max(0, estimateOutput());
        }

        return new Charge(Bound(input.Value), Bound(output.Value), source, Bound(cachedCharged), Bound(reasoningCharged));
    }

    private static long? NonNegative(long? value) => value is { } v && v >= 0 ? v : null;

    private static long Bound(long tokens) => Math.Clamp(tokens, 0, TokenCounts.MaxPerCall);
}
